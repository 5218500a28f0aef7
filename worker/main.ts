// Production entry: the worker alone, against TEMPORAL_ADDRESS (default localhost:7233).
// The Temporal runtime turns SIGINT/SIGTERM into a graceful worker shutdown.
import { loadConfigOrExit } from '../common/config.js';
import { createLogger } from '../common/logger.js';
import { startWorker } from './start.js';
import { DefaultLogger, Runtime } from '@temporalio/worker';

const config = loadConfigOrExit();
const logger = createLogger(config.logLevel, 'switchyard-worker');
const address = config.temporal.address ?? 'localhost:7233';
Runtime.install({ logger: new DefaultLogger('WARN') });
if (config.sandbox) logger.warn('SANDBOX MODE: external services are local emulators');

try {
  const running = await startWorker(config, address, logger);
  await running.done;
  logger.info('worker stopped');
} catch (error) {
  logger.fatal({ err: error, address }, 'worker failed');
  process.exitCode = 1;
}
