// Production entry: the worker alone, against TEMPORAL_ADDRESS. No sandbox here: it refuses to
// start without a production configuration (common/production-guard.ts).
// The Temporal runtime turns SIGINT/SIGTERM into a graceful worker shutdown.
import { loadConfigOrExit } from '../common/config/config.js';
import { createLogger } from '../common/logger.js';
import { requireProductionEnvironment } from '../common/production-guard.js';
import { ClusterNotPreparedError } from '../common/temporal/cluster.js';
import { workerServices } from './services.js';
import { workerTelemetry } from './telemetry.js';
import { startWorker } from './start.js';
import { startWorkerHealthServer } from './health-server.js';
import { Runtime } from '@temporalio/worker';
import { PinoRuntimeLogger } from './runtime-logger.js';
import { startConfiguredTracing } from '../common/telemetry/tracing.js';

requireProductionEnvironment('worker');
const config = loadConfigOrExit();
const logger = createLogger(config.logLevel, 'switchyard-worker');
const address = config.temporal.address!;
// Off (undefined) unless an OTLP endpoint is configured.
const tracing = startConfiguredTracing(config.tracing, 'switchyard-worker');
// The SDK's, workflows' and activities' logs as pino lines with their workflowId, runId, activityType.
Runtime.install({ logger: new PinoRuntimeLogger(logger), ...workerTelemetry(config.workerMetricsAddress) });

try {
  const running = await startWorker(config, address, logger, workerServices(config), tracing);
  const { worker, connection } = running;
  const probes =
    config.workerHealthPort === undefined
      ? undefined
      : await startWorkerHealthServer(
          { state: () => worker.getState(), connection, taskQueue: config.temporal.taskQueue },
          config.workerHealthPort,
          config.host,
        )
          // A probe port that cannot be bound stops the worker too: no worker without its probes.
          .catch(async (error: unknown) => {
            await running.stop();
            throw error;
          });
  if (probes) logger.info({ port: probes.port }, 'worker probes listening (GET /livez, /readyz)');
  await running.done.finally(() => probes?.close());
  await tracing?.shutdown();
  logger.info('worker stopped');
} catch (error) {
  // A cluster that lacks what Switchyard needs: its message names the commands to run.
  if (error instanceof ClusterNotPreparedError)
    console.error(`Switchyard worker cannot start against Temporal at ${address}: ${error.message}`);
  logger.fatal({ err: error, address }, 'worker failed');
  process.exitCode = 1;
}
