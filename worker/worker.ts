// Builds the one worker that hosts every Switchyard workflow and activity.
import { fileURLToPath } from 'node:url';
import { Worker, type NativeConnection, type WorkflowBundleOption } from '@temporalio/worker';
import type { Activities } from '../activities/index.js';
import type { Tracing } from '../common/telemetry/tracing.js';
import { workerInterceptors } from './tracing.js';

export const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));
/** Bundled with the workflows wherever they are bundled (tracing spans and the request id). */
export const WORKFLOW_INTERCEPTOR_MODULES = [fileURLToPath(new URL('../workflows/interceptors.ts', import.meta.url))];

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
  maxConcurrentActivityTaskExecutions?: number;
  /** OpenTelemetry, when on (common/telemetry/tracing.ts): activity spans and the workflows' spans exported. */
  tracing?: Tracing | undefined;
}

export function createSwitchyardWorker(options: SwitchyardWorkerOptions): Promise<Worker> {
  const { interceptors, sinks } = workerInterceptors(options.tracing);
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: options.activities,
    // workflowModules only count when the worker bundles (a prebuilt bundle has them built in, and
    // the SDK warns on every start if they are named beside one).
    interceptors: options.workflowBundle ? interceptors : { ...interceptors, workflowModules: WORKFLOW_INTERCEPTOR_MODULES },
    sinks,
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    ...(options.identity ? { identity: options.identity } : {}),
    ...(options.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: options.maxCachedWorkflows } : {}),
    ...(options.maxConcurrentActivityTaskExecutions !== undefined
      ? { maxConcurrentActivityTaskExecutions: options.maxConcurrentActivityTaskExecutions }
      : {}),
    // In-flight activities get this long to finish on SIGTERM before they are cancelled; Temporal
    // retries whatever is cut off, and every activity is idempotent.
    shutdownGraceTime: '10 seconds',
  });
}
