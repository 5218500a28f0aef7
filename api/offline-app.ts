// The app built in-process with nothing behind it, for code that reads the app without serving
// it: `npm run gen:api` (cli/codegen.ts) and the unit tests of its routes and document. Its
// Temporal client connects lazily, and building the app or serving /api-docs sends nothing; the
// configuration is the sandbox's, over a data folder the caller makes and removes.
import { Client } from '@temporalio/client';
import type { Role } from '../common/config/config.js';
import { loadConfig } from '../common/config/config.js';
import { keyEntry } from '../common/keys/api-keys.js';
import { createLogger } from '../common/logger.js';
import { createApp } from './app.js';
import { ApiKeyRing } from './auth.js';
import { apiServices } from './services.js';

export interface OfflineAppOptions {
  /** Where the sandbox configuration keeps its files (connections, encryption keys). */
  dataDir: string;
  /** Names the app (task queue, version) so what it logs or serves says who built it. */
  name: string;
  /** The one API key the app accepts; an admin key when absent. */
  key?: { label: string; role: Role; secret: string };
  /** Also serve the optional routes (Slack's /slack/* and the CodeDeploy hook). Default true. */
  slack?: boolean;
}

export function buildOfflineApp({ dataDir, name, key, slack = true }: OfflineAppOptions): ReturnType<typeof createApp> {
  const config = loadConfig({ SWITCHYARD_SANDBOX: 'true', SWITCHYARD_DATA_DIR: dataDir });
  const { label, role, secret } = key ?? { label: name, role: 'admin', secret: `${name}-offline-key-0123456789abcdef` };
  return createApp({
    client: new Client(),
    temporalAddress: '127.0.0.1:1',
    taskQueue: name,
    keys: new ApiKeyRing([keyEntry(label, role, secret)]),
    logger: createLogger('silent'),
    sandbox: true,
    version: name,
    distribution: { retryWindowMs: 60_000, retryBackoffMs: 200, syncWaitMs: 0 },
    eventPollIntervalMs: 1000,
    ...apiServices(config),
    ...(slack ? { slack: { config: config.slack, client: undefined, publicUrl: 'http://switchyard.invalid' } } : {}),
  });
}
