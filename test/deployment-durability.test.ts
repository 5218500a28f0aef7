// Durability: the worker is killed (SIGKILL, as a crashed machine) during each stage and a fresh
// one started; the deployment still finishes, and the emulators saw exactly one build, one task
// definition revision, one CodeDeploy deployment and one traffic switch. Also: no secret of the
// run appears in its workflow history, the worker's logs or any API response.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { sandboxApiServices } from '../emulators/wiring/services.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../common/config/config.js';
import { SANDBOX_CREDENTIALS, startSandbox, type Sandbox } from '../emulators/sandbox.js';
import { buildTestApp } from './support/api.js';
import { client } from './support/deploy-flow.js';
import type { Json } from './support/http.js';
import { spawnSandboxWorker, type WorkerProcess } from './support/worker-process.js';
import { connectClient, uniqueTaskQueue } from './support/temporal.js';

describe('deployment durability under worker crashes', () => {
  const taskQueue = uniqueTaskQueue('deploy-crash');
  let temporal: Awaited<ReturnType<typeof connectClient>>;
  let sandbox: Sandbox;
  let config: Config;
  const encryptionKey = randomBytes(32).toString('base64');
  let api: ReturnType<typeof client>;
  const responses: string[] = [];
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    temporal = await connectClient();
    // Slow enough steps that each stage can be caught in flight.
    sandbox = await startSandbox({ stepMs: 300, serviceName: `svc-${taskQueue}` });
    // One encryption key for this process and the worker processes (production entries require one).
    config = loadConfig({
      SWITCHYARD_SANDBOX: 'true',
      SWITCHYARD_ENCRYPTION_KEY: encryptionKey,
      SWITCHYARD_DATA_DIR: mkdtempSync(join(tmpdir(), 'switchyard-crash-')),
    });
    const services = sandboxApiServices(config, sandbox);
    const app = buildTestApp(
      temporal.client,
      taskQueue,
      {
        deploy: {
          ...services.deploy,
          defaults: { ...services.deploy.defaults, limits: { ...services.deploy.defaults.limits, callMs: 3000, heartbeatMs: 2000 } },
        },
      },
      { config, sandbox },
    );
    // Every response body the API gives during the run is kept for the secrets check.
    const recordingApp = {
      request: async (path: string, init?: RequestInit) => {
        const res = await app.request(path, init);
        responses.push(await res.clone().text());
        return res;
      },
    } as unknown as typeof app;
    api = client(recordingApp);
  });
  afterAll(async () => {
    for (const worker of workers) await worker.kill();
    await sandbox?.close();
    await temporal?.close();
  });

  const startWorker = async () => {
    const worker = await spawnSandboxWorker({ taskQueue, encryptionKey, dataDir: config.dataDir, sandbox });
    workers.push(worker);
    return worker;
  };
  const until = (what: string, check: () => boolean | Promise<boolean>) =>
    expect.poll(check, { timeout: 60_000, interval: 50, message: what }).toBe(true);

  it('finishes with exactly one of every side effect although the worker dies in every stage', { timeout: 240_000 }, async () => {
    const counters = sandbox.aws.state.counters;
    const family = sandbox.target.service;
    const group = `${sandbox.target.codeDeployApplication}/${sandbox.target.codeDeployGroup}`;
    let worker = await startWorker();
    const connection = await api.connect();
    const started = await api.deploy(connection);
    expect(started.status).toBe(200);
    const id: string = started.body.data.deploymentId;

    const crashWhen = async (what: string, check: () => boolean | Promise<boolean>) => {
      await until(what, check);
      await worker.kill();
      worker = await startWorker();
    };
    await crashWhen('stage 1: build dispatched', () => sandbox.github.state.dispatchCount(id) === 1);
    await crashWhen('stage 3: task definition registered', () => (counters.taskDefinitionRevisions.get(family) ?? 0) >= 2);
    await crashWhen('stage 4: CodeDeploy deployment created', () => (counters.deploymentsCreated.get(group) ?? 0) === 1);
    await until('DEPLOYMENT_READY', async () => (await api.result(id)).body.data?.status === 'DEPLOYMENT_READY');
    expect((await api.call('POST', `/api/v1/deploy/${id}/switch`, undefined, 'approver')).status).toBe(200);
    const codeDeployId = (await api.result(id)).body.data.codeDeployDeploymentId as string;
    await crashWhen('stage 5: traffic switch continued', () => (counters.continueDeploymentCalls.get(codeDeployId) ?? 0) >= 1);
    await until('COMPLETED', async () => ['COMPLETED', 'FAILED', 'ROLLED_BACK'].includes((await api.result(id)).body.data?.status));

    const result: Json = (await api.result(id)).body.data;
    expect(result, JSON.stringify(result)).toMatchObject({ status: 'COMPLETED', finalService: 'green' });
    expect(sandbox.github.state.dispatchCount(id)).toBe(1);
    expect(sandbox.github.state.imagesBuiltCount(id)).toBe(1);
    expect(counters.taskDefinitionRevisions.get(family)).toBe(2); // the seeded revision and ours
    expect(counters.deploymentsCreated.get(group)).toBe(1);
    expect(counters.continueDeploymentCalls.get(codeDeployId)).toBe(1);

    // Secrets: not in the history, not in the worker logs, not in any API response.
    const history = JSON.stringify(await temporal.client.workflow.getHandle(id).fetchHistory());
    const logs = workers.map((w) => w.output()).join('\n');
    for (const secret of [SANDBOX_CREDENTIALS.githubToken, SANDBOX_CREDENTIALS.awsSecretAccessKey]) {
      expect(history).not.toContain(secret);
      expect(logs).not.toContain(secret);
      for (const body of responses) expect(body).not.toContain(secret);
    }
    expect(responses.length).toBeGreaterThan(5);
  });
});
