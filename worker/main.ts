// Production entry: the worker alone, against TEMPORAL_ADDRESS (default localhost:7233).
// The Temporal runtime turns SIGINT/SIGTERM into a graceful worker shutdown.
import { loadConfigOrExit } from '../common/config.js';
import { createLogger } from '../common/logger.js';
import { ClusterNotPreparedError } from '../common/temporal-cluster.js';
import { startSandbox } from '../emulators/sandbox.js';
import { workerServices } from './services.js';
import { startWorker } from './start.js';
import { DefaultLogger, Runtime } from '@temporalio/worker';

const config = loadConfigOrExit();
const logger = createLogger(config.logLevel, 'switchyard-worker');
const address = config.temporal.address ?? 'localhost:7233';
Runtime.install({ logger: new DefaultLogger('WARN') });
if (config.sandbox) logger.warn('SANDBOX MODE: external services are local emulators');

try {
  // Alone in sandbox mode, the worker runs its own emulators (seeded like the API's).
  const sandbox = config.sandbox ? await startSandbox() : undefined;
  const running = await startWorker(config, address, logger, workerServices(config, sandbox));
  await running.done;
  await sandbox?.close();
  logger.info('worker stopped');
} catch (error) {
  // A cluster that lacks what Switchyard needs: its message names the commands to run.
  if (error instanceof ClusterNotPreparedError) console.error(`Switchyard worker cannot start against Temporal at ${address}: ${error.message}`);
  logger.fatal({ err: error, address }, 'worker failed');
  process.exitCode = 1;
}
