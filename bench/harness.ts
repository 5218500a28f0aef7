// The benchmark harness: one real Temporal dev server, one sandbox worker, the real app, all in
// this process. Benchmarks report ratios measured in the same run, never absolute timings.
import { randomUUID } from 'node:crypto';
import { sandboxApiServices, sandboxWorkerServices } from '../emulators/wiring/services.js';
import { Client } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime } from '@temporalio/worker';
import { fileURLToPath } from 'node:url';
import { createActivities } from '../activities/index.js';
import { createApp } from '../api/app.js';
import { ApiKeyRing } from '../api/auth.js';
import { loadConfig } from '../common/config/config.js';
import { createLogger } from '../common/logger.js';
import { SEARCH_ATTRIBUTES } from '../common/search-attributes.js';
import { findTemporalCli, HOW_TO_INSTALL_TEMPORAL } from '../scripts/temporal-binaries.mjs';
import { devServerDynamicConfigArgs } from '../common/temporal/dynamic-config.js';
import { buildActivityDeps } from '../worker/activity-deps.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EVENT_POLL_INTERVAL_MS } from '../api/start.js';
import { startSandbox } from '../emulators/sandbox.js';
import { createSwitchyardWorker } from '../worker/worker.js';
import { keyEntry } from '../common/keys/api-keys.js';
import { benchActivities } from './no-op-activity.js';

export const BENCH_KEY = `bench-${randomUUID()}`;

export async function startBenchStack() {
  const cli = findTemporalCli();
  if (!cli) throw new Error(HOW_TO_INSTALL_TEMPORAL);
  // Core at ERROR too: the start-rate rows terminate deployments whose tasks are in flight, and
  // core WARNs each "task not found" on completing one, which is expected there and only noise.
  Runtime.install({
    logger: new DefaultLogger('ERROR'),
    shutdownSignals: [],
    telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } },
  });
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: cli.path },
      searchAttributes: SEARCH_ATTRIBUTES,
      extraArgs: devServerDynamicConfigArgs(),
      log: { format: 'pretty', level: 'error' },
    },
  });
  const taskQueue = 'bench';
  const config = loadConfig({
    SWITCHYARD_SANDBOX: 'true',
    TEMPORAL_TASK_QUEUE: taskQueue,
    SWITCHYARD_DATA_DIR: mkdtempSync(join(tmpdir(), 'switchyard-bench-')),
  });
  const sandbox = await startSandbox();
  // The emulated Instagram account keeps Graph's quota of 50 API-published posts a day (the sandbox
  // passes no quotaTotal); one run publishes hundreds (the 200-distribution burst alone), and the
  // bench measures Switchyard, not that quota: past it, every later distribution ends PARTIAL.
  Object.assign(sandbox.channels.state.instagram, { quotaTotal: Number.MAX_SAFE_INTEGER });
  // Switchyard's workflows plus the bench-only baseline (bench/workflows/), and their activities.
  const workflowBundle = await bundleWorkflowCode({
    workflowsPath: fileURLToPath(new URL('./workflows/index.ts', import.meta.url)),
    logger: new DefaultLogger('ERROR'),
  });
  const activities = {
    ...createActivities(buildActivityDeps(config, sandboxWorkerServices(config, sandbox), 'bench-worker')),
    ...benchActivities,
  };
  const worker = await createSwitchyardWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    maxCachedWorkflows: config.temporal.maxCachedWorkflows,
    workflowBundle,
    activities,
  });
  const running = worker.run();
  const client = new Client({ connection: env.connection, namespace: env.namespace ?? 'default' });
  const appWaitingUpTo = (syncWaitMs: number, retryWindowMs = 60_000) =>
    createApp({
      client,
      temporalAddress: env.address,
      taskQueue,
      keys: new ApiKeyRing([keyEntry('bench', 'admin', BENCH_KEY)]),
      logger: createLogger('silent'),
      sandbox: true,
      version: 'bench',
      distribution: { retryWindowMs, retryBackoffMs: 100, syncWaitMs },
      eventPollIntervalMs: EVENT_POLL_INTERVAL_MS,
      ...sandboxApiServices(config, sandbox),
    });
  return {
    pollMs: config.deploy.pollMs,
    /** The in-process worker's data folder (connections, key): an API process given it shares them. */
    dataDir: config.dataDir,
    /** Answers POST /distribute when every channel settled: timing a request times the distribution. */
    app: appWaitingUpTo(30_000),
    /** Answers POST /distribute at once: streams then watch the distribution live. */
    liveApp: appWaitingUpTo(0),
    /** Answers at once; its distributions then stay open, idle, for an hour (their retry window). */
    idleApp: appWaitingUpTo(0, 3_600_000),
    maxCachedWorkflows: config.temporal.maxCachedWorkflows,
    client,
    taskQueue,
    config,
    sandbox,
    /** The dev server's address, for the API and worker the bench runs in processes of their own. */
    temporalAddress: env.address,
    async stop() {
      worker.shutdown();
      await running;
      await sandbox.close();
      await env.teardown();
    },
  };
}
