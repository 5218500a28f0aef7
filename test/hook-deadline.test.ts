// The CodeDeploy hook door has a bound. A deployment waits at AfterAllowTestTraffic when its
// worker dies (SIGKILL, as a crashed machine); the hook Lambda's forward then finds no worker to
// take the deployment's update, and Temporal's update call would wait for one as long as the
// Lambda's own timeout allowed. Now the door answers 503 in the hook's shape within
// TEMPORAL_UPDATE_TIMEOUT_SECONDS (1.5 s here), which the Lambda takes as "try again"; once a
// worker is back, the Lambda's retry is answered and CodeDeploy hears Succeeded exactly once,
// whatever the undecided first update did meanwhile. Real Temporal, the production worker entry,
// the real Lambda handler, the emulators.
import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { HOOK_SECRET_HEADER, registerCodeDeployHookRoutes } from '../api/hooks/routes.js';
import { loadConfig, type Config } from '../common/config/config.js';
import { createLogger } from '../common/logger.js';
import { loadSlackConfig } from '../common/config/slack.js';
import type { LifecycleHookEvent } from '../emulators/aws/index.js';
import { SANDBOX_CREDENTIALS, startSandbox, type Sandbox } from '../emulators/sandbox.js';
import { sandboxApiServices } from '../emulators/wiring/services.js';
import { createHandler } from '../lambda/after-allow-test-traffic/handler.js';
import { buildTestApp } from './support/api.js';
import { client } from './support/deploy-flow.js';
import { serveApp, type ServedApp } from './support/http-server.js';
import { connectClient, uniqueTaskQueue } from './support/temporal.js';
import { spawnSandboxWorker, type WorkerProcess } from './support/worker-process.js';

const HOOK_SECRET = 'hook-deadline-secret-0123456789';
const HOOK_FUNCTION = 'CodeDeployHook_deadline';

describe('the CodeDeploy hook door with no worker to take the hook', () => {
  const taskQueue = uniqueTaskQueue('hook-deadline');
  const encryptionKey = randomBytes(32).toString('base64');
  let temporal: Awaited<ReturnType<typeof connectClient>>;
  let sandbox: Sandbox;
  let config: Config;
  let served: ServedApp;
  let api: ReturnType<typeof client>;
  const workers: WorkerProcess[] = [];
  const hookEvents: LifecycleHookEvent[] = [];

  const startWorker = async () => {
    const worker = await spawnSandboxWorker(
      { taskQueue, encryptionKey, dataDir: config.dataDir, sandbox },
      { WORKFLOW_BUNDLE_PATH: inject('workflowBundlePath') },
    );
    workers.push(worker);
    return worker;
  };

  beforeAll(async () => {
    temporal = await connectClient();
    sandbox = await startSandbox({ stepMs: 40, serviceName: `svc-${taskQueue}`, hookFunction: HOOK_FUNCTION });
    // The hook "Lambda" CodeDeploy invokes only records the event: the test forwards it.
    sandbox.aws.state.lambda.register(HOOK_FUNCTION, async (event) => {
      hookEvents.push(event);
    });
    // One encryption key for this process and the worker processes (production entries require one).
    config = loadConfig({
      SWITCHYARD_SANDBOX: 'true',
      SWITCHYARD_ENCRYPTION_KEY: encryptionKey,
      SWITCHYARD_DATA_DIR: mkdtempSync(join(tmpdir(), 'switchyard-hook-deadline-')),
    });
    const services = sandboxApiServices(config, sandbox);
    // A crashed worker's CodeDeploy wait is taken up again after 2 s without a heartbeat.
    const limits = { ...services.deploy.defaults.limits, callMs: 3000, heartbeatMs: 2000 };
    const deploy = { ...services.deploy, defaults: { ...services.deploy.defaults, limits, updateTimeoutMs: 1500 } };
    const app = buildTestApp(temporal.client, taskQueue, { deploy }, { config, sandbox });
    registerCodeDeployHookRoutes(app, {
      client: temporal.client,
      connections: services.connections,
      config: loadSlackConfig({ CODEDEPLOY_HOOK_SECRET: HOOK_SECRET }),
      awsEndpoint: sandbox.awsEndpoint,
      logger: createLogger('silent'),
      taskQueue,
      updateTimeoutMs: 1500,
    });
    served = await serveApp(app.fetch);
    api = client(app);
  });
  afterAll(async () => {
    for (const worker of workers) await worker.kill();
    await served?.close();
    await sandbox?.close();
    await temporal?.close();
  });

  it(
    'answers 503 in the hook shape within its bound, and the Lambda retrying it reports the hook once a worker is back',
    { timeout: 180_000 },
    async () => {
      const first = await startWorker();
      const started = await api.deploy(await api.connect(), { version: 'v1.2.3' });
      expect(started.status, JSON.stringify(started.body)).toBe(200);
      const id: string = started.body.data.deploymentId;
      await expect.poll(() => hookEvents.length, { timeout: 60_000, interval: 100 }).toBe(1);
      const event = hookEvents[0]!;
      await first.kill();

      const began = Date.now();
      const res = await fetch(`${served.url}/api/v1/hooks/codedeploy`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [HOOK_SECRET_HEADER]: HOOK_SECRET },
        body: JSON.stringify({ ...event, SwitchyardDeploymentId: id }),
      });
      const took = Date.now() - began;
      expect(res.status).toBe(503);
      const body = (await res.json()) as Record<string, unknown>;
      expect(body).toMatchObject({
        status: 503,
        error: 'Hook Error',
        deploymentId: id,
        codeDeployDeploymentId: event.DeploymentId,
        timestamp: expect.any(String),
      });
      expect(body.message).toContain(`No answer from deployment ${id} within 2 s (is a worker running?)`);
      expect(body.message).toContain('The hook may still be recorded: calling again is safe');
      expect(took).toBeGreaterThanOrEqual(1500);
      expect(took).toBeLessThan(10_000);
      // The bound is its own outcome in the API's Temporal call timing.
      const metrics = await (await fetch(`${served.url}/metrics`)).text();
      expect(metrics).toMatch(/switchyard_temporal_call_duration_seconds_count\{call="update",outcome="deadline"\} [1-9]/);
      expect(sandbox.aws.state.counters.hookStatusReports.get(event.LifecycleEventHookExecutionId)).toBe(0);

      // A worker is back; the Lambda forwards the hook as CodeDeploy gave it, retrying 5xx as it does.
      await startWorker();
      const lambda = createHandler({
        hookUrl: `${served.url}/api/v1/hooks/codedeploy`,
        hookSecret: HOOK_SECRET,
        codedeploy: new CodeDeployClient({
          endpoint: sandbox.awsEndpoint,
          region: SANDBOX_CREDENTIALS.region,
          maxAttempts: 1,
          credentials: { accessKeyId: SANDBOX_CREDENTIALS.awsAccessKeyId, secretAccessKey: SANDBOX_CREDENTIALS.awsSecretAccessKey },
        }),
        retryBudgetMs: 90_000,
        log: () => undefined,
      });
      expect(await lambda(event)).toMatchObject({ forwarded: true, status: 'Succeeded' });

      // CodeDeploy heard Succeeded once, and the deployment went on to the gate.
      expect(sandbox.aws.state.counters.hookStatusReports.get(event.LifecycleEventHookExecutionId)).toBe(1);
      const atGate = async () => (await api.result(id)).body.data?.status;
      await expect.poll(atGate, { timeout: 60_000, interval: 200 }).toBe('DEPLOYMENT_READY');
      expect(sandbox.aws.state.counters.hookStatusReports.get(event.LifecycleEventHookExecutionId)).toBe(1);
      expect((await api.call('POST', `/api/v1/deploy/${id}/rollback`, undefined, 'approver')).status).toBe(200);
    },
  );
});
