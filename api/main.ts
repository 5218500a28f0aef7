// Production entry (the image's default command): the API alone, against TEMPORAL_ADDRESS.
// Stateless: run as many replicas as needed. No sandbox here: it refuses to start without a
// production configuration (common/production-guard.ts); `npm start` runs the sandbox.
import { loadConfigOrExit } from '../common/config/config.js';
import { createLogger } from '../common/logger.js';
import { requireProductionEnvironment } from '../common/production-guard.js';
import { ClusterNotPreparedError } from '../common/temporal/cluster.js';
import { apiServices } from './services.js';
import { apiKeyRingFrom, startApi } from './start.js';
import { startConfiguredTracing } from '../common/telemetry/tracing.js';

requireProductionEnvironment('api');
const config = loadConfigOrExit();
const logger = createLogger(config.logLevel, 'switchyard-api');
const address = config.temporal.address!;
// Before any request: off (undefined) unless an OTLP endpoint is configured.
const tracing = startConfiguredTracing(config.tracing, 'switchyard-api');

let api: Awaited<ReturnType<typeof startApi>>;
try {
  api = await startApi(config, address, apiKeyRingFrom(config), logger, apiServices(config), tracing);
} catch (error) {
  // One clear message (a cluster that lacks what Switchyard needs says which commands to run), no stack.
  const message = error instanceof ClusterNotPreparedError ? error.message : `${(error as Error).message}`;
  console.error(`Switchyard API failed to start against Temporal at ${address}: ${message}`);
  process.exit(1);
}
logger.info({ url: api.url, temporal: address }, 'API listening');

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    logger.info({ signal }, 'stopping API');
    void api
      .stop()
      .then(() => tracing?.shutdown())
      .then(() => process.exit(0));
  });
}
