// Builds the one worker that hosts every Switchyard workflow and activity.
import { fileURLToPath } from 'node:url';
import { Worker, type NativeConnection, type WorkflowBundleOption } from '@temporalio/worker';
import type { Activities } from '../activities/index.js';

export const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

export interface SwitchyardWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: Activities;
  /** A prebuilt bundle (tests bundle once per run); otherwise the worker bundles WORKFLOWS_PATH. */
  workflowBundle?: WorkflowBundleOption;
  identity?: string;
  /**
   * Workflows kept in memory between tasks (the SDK's default grows with the heap). Sized on purpose:
   * thousands of idle workflows must not pin worker memory; an evicted one is replayed when a
   * query, signal or timer needs it (histories are small, so that is cheap).
   */
  maxCachedWorkflows?: number;
}

export function createSwitchyardWorker(options: SwitchyardWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: options.activities,
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    ...(options.identity ? { identity: options.identity } : {}),
    ...(options.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: options.maxCachedWorkflows } : {}),
    // In-flight activities get this long to finish on SIGTERM before they are cancelled; Temporal
    // retries whatever is cut off, and every activity is idempotent.
    shutdownGraceTime: '10 seconds',
  });
}
