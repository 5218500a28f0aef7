// Starts the worker on a connection: shared by the production entry (worker/main.ts) and the
// launcher (`npm start`).
import { hostname } from 'node:os';
import { NativeConnection, type Worker, type WorkflowBundleOption } from '@temporalio/worker';
import { createActivities } from '../activities/index.js';
import type { Config } from '../common/config/config.js';
import type { Logger } from '../common/logger.js';
import { connectionOptions } from '../common/temporal/connection.js';
import { prepareClusterAt } from '../common/temporal/cluster.js';
import { buildActivityDeps, type WorkerServices } from './activity-deps.js';
import { createSwitchyardWorker } from './worker.js';
import type { Tracing } from '../common/telemetry/tracing.js';

export interface RunningWorker {
  worker: Worker;
  /** The worker's Temporal connection (its readiness probe asks the server through it); closed once done. */
  connection: NativeConnection;
  /** Settles when the worker has stopped (after shutdown() or a fatal error). */
  done: Promise<void>;
  /** Graceful stop: no new tasks, in-flight activities get the grace time, then the connection closes. */
  stop(): Promise<void>;
}

/**
 * The worker owns `services` from here on: its connection store is closed once the worker has stopped.
 * `workflowBundle`: code bundled while the rest started (the launcher); WORKFLOW_BUNDLE_PATH wins.
 */
export async function startWorker(
  config: Config,
  address: string,
  logger: Logger,
  services: WorkerServices,
  tracing?: Tracing,
  workflowBundle?: WorkflowBundleOption,
): Promise<RunningWorker> {
  // First, so a wrong DATABASE_URL (or a database refusing the migrations) stops start-up.
  await services.connections.ready();
  const options = connectionOptions(address, config.temporal.credentials);
  await prepareClusterAt(options, config.temporal.namespace, logger);
  const connection = await NativeConnection.connect(options);
  const workerIdentity = `switchyard-worker-${process.pid}@${hostname()}`;
  const worker = await createSwitchyardWorker({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    identity: workerIdentity,
    maxCachedWorkflows: config.temporal.maxCachedWorkflows,
    maxConcurrentActivityTaskExecutions: config.temporal.maxConcurrentActivities,
    ...(config.temporal.workflowBundlePath
      ? { workflowBundle: { codePath: config.temporal.workflowBundlePath } }
      : workflowBundle
        ? { workflowBundle }
        : {}),
    activities: createActivities(buildActivityDeps(config, services, workerIdentity)),
    tracing,
  });
  const done = worker.run().finally(async () => {
    await connection.close();
    await services.connections.close();
  });
  done.catch((error: unknown) => logger.error({ err: error }, 'worker stopped with an error'));
  logger.info({ taskQueue: config.temporal.taskQueue, namespace: config.temporal.namespace }, 'worker polling');
  return {
    worker,
    connection,
    done,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await done.catch(() => undefined);
    },
  };
}
