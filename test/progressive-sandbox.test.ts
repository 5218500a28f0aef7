// Progressive releases end to end: the real deployment workflow on the real Temporal dev server,
// the real activities through the real AWS SDK clients, against the sandbox's emulators (GitHub
// build, ECR, an ECS-native service). Each release completes, and each is rolled back by the
// watch at the step where green degrades (the sandbox test value `degrade-at-<N>` in the image).
// Workflows are started by the client with `release` in the input (the API's part is separate).
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_APPROVAL_POLICY } from '../domain/approval-policy.js';
import { planRelease, type ReleaseEngine, type ReleaseStrategy } from '../domain/release-strategy.js';
import { blueGreenUrls } from '../emulators/aws/server.js';
import { seedEcsNativeService } from '../emulators/aws/seed-ecs-native.js';
import { SANDBOX_SERVICE } from '../emulators/sandbox.js';
import { deploymentEventsQuery, deploymentSnapshotQuery, switchTrafficUpdate } from '../workflows/deployment/messages.js';
import type { DeploymentSnapshot } from '../workflows/deployment/types.js';
import type { deploymentWorkflow } from '../workflows/deployment/workflow.js';
import { buildTestApp } from './support/api.js';
import { client } from './support/deploy-flow.js';
import { deploymentInput } from './support/deployment-input.js';
import { connectClient, startSandboxWorker, uniqueTaskQueue, type SandboxWorker } from './support/temporal.js';

const LIMITS = { stageMs: 60_000, totalMs: 180_000, switchTimeoutMs: 60_000, callMs: 10_000, heartbeatMs: 30_000 };
const WATCH = { intervalMs: 200, maxErrorRate: 0.1, windows: 2, dryRun: false };

describe('progressive releases in the sandbox (real SDK clients, emulators, Temporal dev server)', () => {
  const taskQueue = uniqueTaskQueue('progressive-sandbox');
  let temporal: Awaited<ReturnType<typeof connectClient>>;
  let worker: SandboxWorker;
  let connection: { githubConnectionId: string; awsConnectionId: string };

  beforeAll(async () => {
    temporal = await connectClient();
    // One service "minute" lasts 2 s: a canary bakes in seconds, long enough for the watch's windows.
    worker = await startSandboxWorker(taskQueue, {}, 'progressive-sandbox-worker', { minuteMs: 2000 });
    connection = await client(buildTestApp(temporal.client, taskQueue, {}, worker)).connect();
  });
  afterAll(async () => {
    await worker?.stop();
    await temporal?.close();
  });

  /** An ECS-native service of its own, and a release of `image` to it with `strategy`. */
  const releaseToEcs = async (strategy: ReleaseStrategy, repository: string) => {
    const service = `pd-${randomBytes(3).toString('hex')}`;
    const { target } = worker.sandbox;
    // The build pushes to the repository, as the real workflow's docker push needs it to exist.
    if (!worker.sandbox.aws.state.ecr.summary().some((r) => r.name === repository)) worker.sandbox.aws.state.ecr.createRepository(repository);
    seedEcsNativeService(worker.sandbox.aws.state, { cluster: 'native', service, containerName: target.containerName, containerPort: target.containerPort, image: `${repository}:v1` });
    const planned = planRelease(strategy, 'ECS' satisfies ReleaseEngine);
    if (!planned.ok) throw new Error(planned.message);
    const { blueUrl, greenUrl } = blueGreenUrls(worker.sandbox.aws.url, 'native', service);
    const id = `dep_pd${randomBytes(4).toString('hex')}`;
    const handle = await temporal.client.workflow.start<typeof deploymentWorkflow>('deploymentWorkflow', {
      taskQueue, workflowId: id, workflowExecutionTimeout: 4 * 60_000,
      args: [deploymentInput(id, {
        ...connection, owner: SANDBOX_SERVICE.owner, repo: SANDBOX_SERVICE.repo, branch: 'main', limits: LIMITS,
        target: { ...target, cluster: 'native', service, ecrRepository: repository, blueUrl, greenUrl },
        approvalPolicy: { ...DEFAULT_APPROVAL_POLICY, watch: WATCH }, release: planned.plan,
      })],
    });
    return { handle, service };
  };
  type Handle = Awaited<ReturnType<typeof releaseToEcs>>['handle'];
  const waitFor = async (h: Handle, until: (s: DeploymentSnapshot) => boolean) => {
    let last: DeploymentSnapshot | undefined;
    await expect.poll(async () => { last = await h.query(deploymentSnapshotQuery); return until(last) || ['FAILED', 'ROLLED_BACK', 'COMPLETED'].includes(last.status); }, { timeout: 90_000, interval: 100 }).toBe(true);
    expect(until(last!), JSON.stringify(last)).toBe(true);
    return last!;
  };
  const steps = async (h: Handle) => (await h.query(deploymentEventsQuery, 0)).events.filter((e) => e.details['milestone'] === 'step').map((e) => e.details['weight']);
  const started = (service: string) => worker.sandbox.aws.state.ecs.counters.serviceDeploymentsStarted.toJSON()[`native/${service}`];

  it('ECS canary: the gate (a PAUSE hook), then 10 % with ECS\'s bake, then 100 %: completes on green', async () => {
    const { handle, service } = await releaseToEcs({ type: 'canary', percent: 10, bakeMinutes: 1 }, 'pd-canary');
    const gate = await waitFor(handle, (s) => s.status === 'DEPLOYMENT_READY');
    expect(gate).toMatchObject({ strategy: 'canary', currentStep: 0, trafficWeight: 0 });
    await handle.executeUpdate(switchTrafficUpdate, { args: [{ by: 'alice', via: 'api' }] });
    const result = await handle.result();
    expect(result).toMatchObject({ status: 'COMPLETED', finalService: 'green', currentStep: 2, trafficWeight: 100 });
    expect(await steps(handle)).toEqual([10, 100]);
    expect(started(service)).toBe(1);
  }, 120_000);

  it('ECS canary: green degrading at 10 % is rolled back by the watch at step 1, through ECS', async () => {
    const { handle, service } = await releaseToEcs({ type: 'canary', percent: 10, bakeMinutes: 1 }, 'pd-canary-degrade-at-10');
    await waitFor(handle, (s) => s.status === 'DEPLOYMENT_READY');
    await handle.executeUpdate(switchTrafficUpdate, { args: [{ by: 'alice', via: 'api' }] });
    const result = await handle.result();
    expect(result, JSON.stringify(result)).toMatchObject({ status: 'ROLLED_BACK', finalService: 'blue', currentStep: 1, decision: { by: 'switchyard', via: 'workflow' } });
    expect(result.decision?.reason).toMatch(/^analysis: green error rate/);
    // One service deployment, no second one started by a retry.
    expect(started(service)).toBe(1);
  }, 120_000);
});
