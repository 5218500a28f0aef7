// What /healthz reports about Temporal: is the server reachable, and is a worker polling our
// task queue. Each check has a short deadline so a dead server makes /healthz slow by 2 s, not hang.
import type { Client } from '@temporalio/client';
// @temporalio/proto is CommonJS: its namespaces come through the default export under ESM.
import proto from '@temporalio/proto';

const { TaskQueueType } = proto.temporal.api.enums.v1;

export interface TemporalHealth {
  reachable: boolean;
  address: string;
  namespace: string;
  serverVersion?: string;
  error?: string;
  worker: { taskQueue: string; polling: boolean; pollers: number };
}

const DEADLINE_MS = 2000;

export async function checkTemporal(client: Client, address: string, taskQueue: string): Promise<TemporalHealth> {
  const namespace = client.options.namespace;
  const base = { address, namespace, worker: { taskQueue, polling: false, pollers: 0 } };
  try {
    const info = await client.connection.withDeadline(Date.now() + DEADLINE_MS, () => client.workflowService.getSystemInfo({}));
    const queue = await client.connection.withDeadline(Date.now() + DEADLINE_MS, () =>
      client.workflowService.describeTaskQueue({
        namespace,
        taskQueue: { name: taskQueue },
        taskQueueType: TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
      }),
    );
    const pollers = queue.pollers?.length ?? 0;
    return {
      ...base,
      reachable: true,
      serverVersion: info.serverVersion ?? undefined,
      worker: { taskQueue, polling: pollers > 0, pollers },
    };
  } catch (error) {
    return { ...base, reachable: false, error: error instanceof Error ? error.message : String(error) };
  }
}
