// A rolling restart: the worker is stopped as an orchestrator stops it (SIGTERM) while a
// deployment's long activity is in flight (the build's poll), past the shutdown's 10 s grace, and
// a fresh worker started. The activity is retried on the new worker, which picks up the same
// build (heartbeat details): the deployment reaches the gate with one build.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../common/config/config.js';
import { startSandbox, type Sandbox } from '../emulators/sandbox.js';
import { sandboxApiServices } from '../emulators/wiring/services.js';
import { buildTestApp } from './support/api.js';
import { client } from './support/deploy-flow.js';
import { connectClient, uniqueTaskQueue } from './support/temporal.js';
import { spawnSandboxWorker, type WorkerProcess } from './support/worker-process.js';

describe('a worker stopped mid-activity (SIGTERM)', () => {
  const taskQueue = uniqueTaskQueue('worker-stop');
  const encryptionKey = randomBytes(32).toString('base64');
  const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-worker-stop-'));
  let temporal: Awaited<ReturnType<typeof connectClient>>;
  let sandbox: Sandbox;
  let api: ReturnType<typeof client>;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    temporal = await connectClient();
    // The slow-build branch builds in 20 steps: 30 s at 1.5 s a step, longer than the grace.
    sandbox = await startSandbox({ stepMs: 1_500, serviceName: `svc-${taskQueue}` });
    const config = loadConfig({ SWITCHYARD_SANDBOX: 'true', SWITCHYARD_ENCRYPTION_KEY: encryptionKey, SWITCHYARD_DATA_DIR: dataDir });
    api = client(buildTestApp(temporal.client, taskQueue, sandboxApiServices(config, sandbox), { config, sandbox }));
  });
  afterAll(async () => {
    for (const worker of workers) await worker.kill();
    await sandbox?.close();
    await temporal?.close();
  });

  const startWorker = async () => {
    const worker = await spawnSandboxWorker({ taskQueue, encryptionKey, dataDir, sandbox }, { DEPLOY_POLL_MS: '200' });
    workers.push(worker);
    return worker;
  };

  it('hands the build to the next worker instead of failing the deployment', { timeout: 180_000 }, async () => {
    const worker = await startWorker();
    const connection = await api.connect();
    const started = await api.deploy(connection, { branch: 'slow-build' });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    const id: string = started.body.data.deploymentId;
    await expect.poll(() => sandbox.github.state.dispatchCount(id), { timeout: 60_000, interval: 100 }).toBe(1);

    const stopping = Date.now();
    await worker.stop();
    const stoppedAfter = Date.now() - stopping;
    // The build was still running: the stop waited out the grace and cancelled the poll.
    expect(stoppedAfter).toBeGreaterThan(9_000);
    expect((await api.result(id)).body.data?.status).not.toBe('FAILED');

    await startWorker();
    await expect
      .poll(async () => (await api.result(id)).body.data?.status, { timeout: 120_000, interval: 250 })
      .toMatch(/^(DEPLOYMENT_READY|FAILED|ROLLED_BACK)$/);
    const result = (await api.result(id)).body.data;
    expect(result, JSON.stringify(result)).toMatchObject({ status: 'DEPLOYMENT_READY' });
    expect(sandbox.github.state.dispatchCount(id)).toBe(1);
    expect(sandbox.github.state.imagesBuiltCount(id)).toBe(1);
  });
});
