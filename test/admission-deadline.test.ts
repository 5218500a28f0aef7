// POST /deploy has a bound. Temporal's update poll never gives up on its own, so with no worker
// running the service's admission workflow a deploy request used to hang (300 s, in the scale
// bench, until the client gave up). Now it answers 503 in TEMPORAL_UPDATE_TIMEOUT_SECONDS, naming
// the deployment id, and that deployment still starts once a worker polls: no work is lost, and
// the message says so rather than "nothing was changed".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../activities/index.js';
import { sandboxApiServices } from '../emulators/wiring/services.js';
import { buildActivityDeps } from '../worker/activity-deps.js';
import { buildTestApp } from './support/api.js';
import { client } from './support/deploy-flow.js';
import {
  connectClient,
  startSandboxWorker,
  startTestWorker,
  uniqueTaskQueue,
  type SandboxWorker,
  type TestWorker,
} from './support/temporal.js';

describe('POST /deploy with no worker to admit it', () => {
  const idleQueue = uniqueTaskQueue('admission-idle');
  let temporal: Awaited<ReturnType<typeof connectClient>>;
  let sandboxWorker: SandboxWorker;
  let late: TestWorker | undefined;
  let api: ReturnType<typeof client>;

  beforeAll(async () => {
    temporal = await connectClient();
    // Its sandbox and services serve the idle queue's app; the worker itself polls another queue.
    sandboxWorker = await startSandboxWorker(uniqueTaskQueue('admission-busy'));
    const services = sandboxApiServices(sandboxWorker.config, sandboxWorker.sandbox);
    const deploy = { ...services.deploy, defaults: { ...services.deploy.defaults, updateTimeoutMs: 1500 } };
    api = client(buildTestApp(temporal.client, idleQueue, { deploy }, sandboxWorker));
  });
  afterAll(async () => {
    await late?.stop();
    await sandboxWorker?.stop();
    await temporal?.close();
  });

  it('answers 503 within its bound, naming the id, and the deployment starts once a worker polls', async () => {
    const connection = await api.connect();
    const began = Date.now();
    const res = await api.deploy(connection, { version: 'v1.2.3' });
    const took = Date.now() - began;
    expect(res.status).toBe(503);
    const deploymentId = res.body.deploymentId as string;
    expect(deploymentId).toMatch(/^dep_/);
    expect(res.body.message).toContain(`${deploymentId} may still start`);
    expect(res.body.message).not.toMatch(/nothing was changed/);
    // The bound plus the request's own work; nowhere near the client's 300 s.
    expect(took).toBeGreaterThanOrEqual(1500);
    expect(took).toBeLessThan(15_000);

    // A worker arrives: the update, keyed by the deployment id, is admitted, and the deployment runs.
    late = await startTestWorker(
      idleQueue,
      createActivities(buildActivityDeps(sandboxWorker.config, sandboxWorker.services, 'late-worker')),
    );
    const ready = await api.settle(deploymentId, ['DEPLOYMENT_READY']);
    expect(ready.deploymentId).toBe(deploymentId);
    expect((await api.call('POST', `/api/v1/deploy/${deploymentId}/rollback`, undefined, 'approver')).status).toBe(200);
    await api.settle(deploymentId);
  });
});
