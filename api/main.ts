// Production entry: the API alone, against TEMPORAL_ADDRESS (default localhost:7233). Stateless:
// run as many replicas as needed.
import { loadOrCreateAdminKey } from '../common/admin-key.js';
import { loadConfigOrExit } from '../common/config.js';
import { createLogger } from '../common/logger.js';
import { ClusterNotPreparedError } from '../common/temporal-cluster.js';
import { startSandbox } from '../emulators/sandbox.js';
import { apiServices } from './services.js';
import { apiKeyRingFrom, startApi } from './start.js';

const config = loadConfigOrExit();
const logger = createLogger(config.logLevel, 'switchyard-api');
const address = config.temporal.address ?? 'localhost:7233';
const stored = config.adminKeyFromEnv ? undefined : loadOrCreateAdminKey(config.dataDir);
if (stored?.created) logger.warn({ path: stored.path }, 'generated an admin API key (see the file)');

// Alone in sandbox mode, the API validates connections against emulators of its own.
const sandbox = config.sandbox ? await startSandbox() : undefined;
let api: Awaited<ReturnType<typeof startApi>>;
try {
  api = await startApi(config, address, apiKeyRingFrom(config, stored?.key), logger, apiServices(config, sandbox), sandbox);
} catch (error) {
  // One clear message (a cluster that lacks what Switchyard needs says which commands to run), no stack.
  const message = error instanceof ClusterNotPreparedError ? error.message : `${(error as Error).message}`;
  console.error(`Switchyard API failed to start against Temporal at ${address}: ${message}`);
  await sandbox?.close();
  process.exit(1);
}
logger.info({ url: api.url, temporal: address, sandbox: config.sandbox }, 'API listening');

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    logger.info({ signal }, 'stopping API');
    void api.stop().then(() => sandbox?.close()).then(() => process.exit(0));
  });
}
