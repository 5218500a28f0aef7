// A stage that overruns its limit fails the deployment with the seed's DEPLOYMENT_TIMEOUT,
// naming the stage and the limit. (Temporal timers have a granularity of about a second, so the
// limit here is 1 s and the sandbox build is made slow: branch `slow-build`, 20 steps of 200 ms.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiServices } from '../api/services.js';
import { buildTestApp } from './support/api.js';
import { client } from './support/deploy-flow.js';
import type { Json } from './support/http.js';
import { connectClient, startSandboxWorker, uniqueTaskQueue, type SandboxWorker } from './support/temporal.js';

describe('deployment stage limit', () => {
  const taskQueue = uniqueTaskQueue('deploy-timeout');
  let temporal: Awaited<ReturnType<typeof connectClient>>;
  let worker: SandboxWorker;
  let api: ReturnType<typeof client>;

  beforeAll(async () => {
    temporal = await connectClient();
    worker = await startSandboxWorker(taskQueue, {}, 'timeout-worker', { stepMs: 200 });
    const services = apiServices(worker.config, worker.sandbox);
    api = client(buildTestApp(temporal.client, taskQueue, {
      deploy: { ...services.deploy, defaults: { ...services.deploy.defaults, limits: { ...services.deploy.defaults.limits, stageMs: 1000 } } },
    }, worker));
  });
  afterAll(async () => {
    await worker?.stop();
    await temporal?.close();
  });

  it('fails with DEPLOYMENT_TIMEOUT at the stage that ran out of time', { timeout: 30_000 }, async () => {
    const connection = await api.connect();
    const started = await api.deploy(connection, { branch: 'slow-build' });
    let result: Json;
    await expect.poll(async () => { result = (await api.result(started.body.data.deploymentId)).body.data; return result?.status; }, { timeout: 20_000, interval: 200 }).toBe('FAILED');
    expect(result).toMatchObject({ errorCode: 'DEPLOYMENT_TIMEOUT', stage: 1 });
    expect(result.errorMessage).toMatch(/^Deployment timed out at Stage 1 after \d+ seconds \(timeout: 1 seconds\)$/);
  });
});
