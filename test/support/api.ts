// The real app factory, wired to the run's Temporal server, with one key per role.
import type { Client } from '@temporalio/client';
import { sandboxApiServices } from '../../emulators/wiring/services.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../api/app.js';
import type { AppOptions } from '../../api/app-deps.js';
import { loadConfig } from '../../common/config/config.js';
import { ApiKeyRing } from '../../api/auth.js';
import { createLogger } from '../../common/logger.js';
import { temporalAddress, type SandboxWorker } from './temporal.js';
import { keyEntry } from '../../common/keys/api-keys.js';

export const TEST_KEYS = {
  admin: 'test-admin-key-0123456789',
  viewer: 'test-viewer-key-0123456789',
  deployer: 'test-deployer-key-0123456789',
  approver: 'test-approver-key-0123456789',
} as const;

export function authHeader(role: keyof typeof TEST_KEYS): Record<string, string> {
  return { authorization: `Bearer ${TEST_KEYS[role]}` };
}

export function testKeyRing(): ApiKeyRing {
  return new ApiKeyRing(Object.entries(TEST_KEYS).map(([role, key]) => keyEntry(`test ${role}`, role as keyof typeof TEST_KEYS, key)));
}

/** The app as `npm start` builds it; with `worker`, it shares that worker's sandbox and data folder. */
export function buildTestApp(
  client: Client,
  taskQueue: string,
  overrides: Partial<AppOptions> = {},
  worker?: Pick<SandboxWorker, 'config' | 'sandbox'>,
) {
  const keys = testKeyRing();
  const config =
    worker?.config ?? loadConfig({ SWITCHYARD_SANDBOX: 'true', SWITCHYARD_DATA_DIR: mkdtempSync(join(tmpdir(), 'switchyard-api-test-')) });
  return createApp({
    client,
    temporalAddress: temporalAddress(),
    taskQueue,
    keys,
    logger: createLogger('silent'),
    sandbox: true,
    version: 'test',
    distribution: { retryWindowMs: 10 * 60_000, retryBackoffMs: 200, syncWaitMs: 4000 },
    eventPollIntervalMs: 100,
    ...sandboxApiServices(config, worker?.sandbox),
    ...overrides,
  });
}
