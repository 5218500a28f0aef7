// Production entry: the API alone, against TEMPORAL_ADDRESS (default localhost:7233). Stateless:
// run as many replicas as needed.
import { loadOrCreateAdminKey } from '../common/admin-key.js';
import { loadConfigOrExit } from '../common/config.js';
import { createLogger } from '../common/logger.js';
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
const api = await startApi(config, address, apiKeyRingFrom(config, stored?.key), logger, apiServices(config, sandbox), sandbox);
logger.info({ url: api.url, temporal: address, sandbox: config.sandbox }, 'API listening');

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    logger.info({ signal }, 'stopping API');
    void api.stop().then(() => sandbox?.close()).then(() => process.exit(0));
  });
}
