// The API's event feeds query a workflow while its workflow task is pending (api/temporal-reads.ts),
// and Temporal holds such queries until the task completes. With the server's default of one held
// query per workflow, a second one (another API replica's feed, a status read) is refused with
// RESOURCE_EXHAUSTED; common/temporal/dynamic-config.ts raises the limit on every server Switchyard
// starts. This checks it on the run's dev server, through a connection that does not retry, so a
// refusal shows.
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { SWITCHYARD_DYNAMIC_CONFIG } from '../common/temporal/dynamic-config.js';
import { serviceDeploymentsQuery } from '../workflows/service/messages.js';
import type { serviceDeploymentsWorkflow } from '../workflows/service/workflow.js';
import { installQuietRuntime } from './support/quiet-runtime.js';
import { uniqueTaskQueue } from './support/temporal.js';

describe('queries held while a workflow task is pending', () => {
  let connection: Connection;
  let client: Client;

  beforeAll(async () => {
    // No retry interceptor: a RESOURCE_EXHAUSTED refusal reaches the test instead of a backoff.
    connection = await Connection.connect({ address: inject('temporalAddress'), interceptors: [] });
    client = new Client({ connection, namespace: inject('temporalNamespace') });
  });
  afterAll(async () => {
    await connection?.close();
  });

  it('answers several at once, each with the state after that task', async () => {
    const held = 3;
    expect(SWITCHYARD_DYNAMIC_CONFIG['history.MaxBufferedQueryCount']).toBeGreaterThanOrEqual(held);
    const taskQueue = uniqueTaskQueue('query-buffer');
    const serviceKey = `query-buffer/${taskQueue}`;
    // No worker polls this task queue yet: the workflow's first task stays pending.
    const handle = await client.workflow.start<typeof serviceDeploymentsWorkflow>('serviceDeploymentsWorkflow', {
      workflowId: `deploy-service:${serviceKey}`,
      taskQueue,
      args: [{ serviceKey, queueCapacity: 0 }],
    });
    const queries = Array.from({ length: held }, () =>
      connection
        .withDeadline(Date.now() + 30_000, () => handle.query(serviceDeploymentsQuery))
        .then(
          (state) => ({ state }),
          (error: unknown) => ({ error: error instanceof Error ? error.message : String(error) }),
        ),
    );
    // Long enough for the queries to reach the server and be held there.
    await new Promise((resolve) => setTimeout(resolve, 1000));

    installQuietRuntime();
    const workerConnection = await NativeConnection.connect({ address: inject('temporalAddress') });
    const worker = await Worker.create({
      connection: workerConnection,
      namespace: inject('temporalNamespace'),
      taskQueue,
      activities: {},
      workflowBundle: { codePath: inject('workflowBundlePath') },
    });
    const answers = await worker.runUntil(Promise.all(queries));
    await workerConnection.close();

    expect(answers).toEqual(Array.from({ length: held }, () => ({ state: { serviceKey, running: null, queued: [] } })));
  });
});
