// Progressive releases end to end: the real deployment workflow on the real Temporal dev server,
// the real activities through the real AWS SDK clients, against the sandbox's emulators (GitHub
// build, ECR, an ECS-native service). Each release completes, and each is rolled back by the
// watch at the step where green degrades (the sandbox test value `degrade-at-<N>` in the image).
// Workflows are started by the client with `release` in the input (the API's part is separate).
import { randomBytes } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_APPROVAL_POLICY } from '../domain/approval-policy.js';
import { planRelease, type ReleaseEngine, type ReleaseStrategy } from '../domain/release-strategy.js';
import { blueGreenUrls } from '../emulators/aws/server.js';
import { seedEcsNativeService } from '../emulators/aws/seed-ecs-native.js';
import { SANDBOX_SERVICE, SANDBOX_SLACK } from '../emulators/sandbox.js';
import { deploymentEventsQuery, deploymentSnapshotQuery, switchTrafficUpdate } from '../workflows/deployment/messages.js';
import type { DeploymentSnapshot } from '../workflows/deployment/types.js';
import type { deploymentWorkflow } from '../workflows/deployment/workflow.js';
import { createDeployClients } from '../activities/deployment/clients.js';
import { createReleaseActivities } from '../activities/deployment/release.js';
import { authHeader, buildTestApp } from './support/api.js';
import { client } from './support/deploy-flow.js';
import { serveApp, type ServedApp } from './support/http-server.js';
import { readSse } from './support/sse-client.js';
import { deploymentInput } from './support/deployment-input.js';
import { connectClient, startSandboxWorker, uniqueTaskQueue, type SandboxWorker } from './support/temporal.js';

const LIMITS = { stageMs: 60_000, totalMs: 180_000, switchTimeoutMs: 60_000, callMs: 10_000, heartbeatMs: 30_000 };
const WATCH = { intervalMs: 200, maxErrorRate: 0.1, windows: 2, dryRun: false };

describe('progressive releases in the sandbox (real SDK clients, emulators, Temporal dev server)', () => {
  const taskQueue = uniqueTaskQueue('progressive-sandbox');
  let temporal: Awaited<ReturnType<typeof connectClient>>;
  let worker: SandboxWorker;
  let connection: { githubConnectionId: string; awsConnectionId: string };
  let served: ServedApp;

  beforeAll(async () => {
    temporal = await connectClient();
    // One service "minute" lasts 2 s: a canary bakes in seconds, long enough for the watch's windows.
    worker = await startSandboxWorker(taskQueue, {}, 'progressive-sandbox-worker', { minuteMs: 2000 });
    const app = buildTestApp(temporal.client, taskQueue, {}, worker);
    connection = await client(app).connect();
    served = await serveApp(app.fetch);
  });
  afterAll(async () => {
    await served?.close();
    await worker?.stop();
    await temporal?.close();
  });

  /** A release with `strategy` of an image in `repository`: to an ECS-native service of its own, or to the sandbox's CodeDeploy service. */
  const releaseTo = async (engine: ReleaseEngine, strategy: ReleaseStrategy, repository: string) => {
    const { target } = worker.sandbox;
    const service = engine === 'ECS' ? `pd-${randomBytes(3).toString('hex')}` : target.service;
    const cluster = engine === 'ECS' ? 'native' : target.cluster;
    // The build pushes to the repository, as the real workflow's docker push needs it to exist.
    if (!worker.sandbox.aws.state.ecr.summary().some((r) => r.name === repository))
      worker.sandbox.aws.state.ecr.createRepository(repository);
    if (engine === 'ECS')
      seedEcsNativeService(worker.sandbox.aws.state, {
        cluster,
        service,
        containerName: target.containerName,
        containerPort: target.containerPort,
        image: `${repository}:v1`,
      });
    const planned = planRelease(strategy, engine);
    if (!planned.ok) throw new Error(planned.message);
    const { blueUrl, greenUrl } = engine === 'ECS' ? blueGreenUrls(worker.sandbox.aws.url, cluster, service) : target;
    const id = `dep_pd${randomBytes(4).toString('hex')}`;
    const handle = await temporal.client.workflow.start<typeof deploymentWorkflow>('deploymentWorkflow', {
      taskQueue,
      workflowId: id,
      workflowExecutionTimeout: 4 * 60_000,
      args: [
        deploymentInput(id, {
          ...connection,
          owner: SANDBOX_SERVICE.owner,
          repo: SANDBOX_SERVICE.repo,
          branch: 'main',
          limits: LIMITS,
          target: { ...target, cluster, service, ecrRepository: repository, blueUrl, greenUrl },
          approvalPolicy: { ...DEFAULT_APPROVAL_POLICY, watch: WATCH },
          release: planned.plan,
        }),
      ],
    });
    return { handle, service };
  };
  const releaseToEcs = (strategy: ReleaseStrategy, repository: string) => releaseTo('ECS', strategy, repository);
  type Handle = Awaited<ReturnType<typeof releaseTo>>['handle'];
  const waitFor = async (h: Handle, until: (s: DeploymentSnapshot) => boolean) => {
    let last: DeploymentSnapshot | undefined;
    await expect
      .poll(
        async () => {
          last = await h.query(deploymentSnapshotQuery);
          return until(last) || ['FAILED', 'ROLLED_BACK', 'COMPLETED'].includes(last.status);
        },
        { timeout: 90_000, interval: 100 },
      )
      .toBe(true);
    expect(until(last!), JSON.stringify(last)).toBe(true);
    return last!;
  };
  const steps = async (h: Handle) =>
    (await h.query(deploymentEventsQuery, 0)).events.filter((e) => e.details['milestone'] === 'step').map((e) => e.details['weight']);
  /** The release line of each version of the deployment's Slack message (the post, then every chat.update), in order. */
  const slackReleaseLines = (id: string) => {
    const messages = worker.sandbox.slack.state.messages(SANDBOX_SLACK.channelId).filter((m) => JSON.stringify(m.history).includes(id));
    expect(messages).toHaveLength(1);
    return messages[0]!.history.map((v) => {
      const blocks = (v.blocks ?? []) as { text?: { text?: string } }[];
      return blocks.map((b) => b.text?.text ?? '').find((t) => t.startsWith(':bar_chart: *Release:*')) ?? '';
    });
  };
  const started = (service: string) => worker.sandbox.aws.state.ecs.counters.serviceDeploymentsStarted.toJSON()[`native/${service}`];

  it("ECS canary: the gate (a PAUSE hook), then 10 % with ECS's bake, then 100 %: completes on green", async () => {
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
    expect(result, JSON.stringify(result)).toMatchObject({
      status: 'ROLLED_BACK',
      finalService: 'blue',
      currentStep: 1,
      decision: { by: 'switchyard', via: 'workflow' },
    });
    expect(result.decision?.reason).toMatch(/^analysis: green error rate/);
    // One service deployment, no second one started by a retry.
    expect(started(service)).toBe(1);
  }, 120_000);

  const cases: Array<{
    name: string;
    engine: ReleaseEngine;
    strategy: ReleaseStrategy;
    weights: number[];
    degradeAt: number;
    repository: string;
    config?: [string, string];
  }> = [
    {
      name: 'CodeDeploy canary (a custom TimeBasedCanary config)',
      engine: 'CODE_DEPLOY',
      strategy: { type: 'canary', percent: 10, bakeMinutes: 1 },
      weights: [10, 100],
      degradeAt: 10,
      repository: 'pd-cd-canary',
      config: ['Switchyard.ECSCanary10Percent1Minutes', 'TimeBasedCanary'],
    },
    {
      name: 'CodeDeploy linear (a custom TimeBasedLinear config)',
      engine: 'CODE_DEPLOY',
      strategy: { type: 'linear', stepPercent: 50, intervalMinutes: 1 },
      weights: [50, 100],
      degradeAt: 50,
      repository: 'pd-cd-linear',
      config: ['Switchyard.ECSLinear50PercentEvery1Minutes', 'TimeBasedLinear'],
    },
    {
      name: 'ECS blue/green with the PAUSE hook as the gate',
      engine: 'ECS',
      strategy: { type: 'blueGreen' },
      weights: [100],
      degradeAt: 0,
      repository: 'pd-ecs-bg',
    },
    {
      name: 'ECS linear',
      engine: 'ECS',
      strategy: { type: 'linear', stepPercent: 34, intervalMinutes: 1 },
      weights: [34, 68, 100],
      degradeAt: 68,
      repository: 'pd-ecs-linear',
    },
  ];
  for (const c of cases) {
    it(`${c.name}: completes through every step`, async () => {
      const { handle } = await releaseTo(c.engine, c.strategy, c.repository);
      await waitFor(handle, (s) => s.status === 'DEPLOYMENT_READY');
      await handle.executeUpdate(switchTrafficUpdate, { args: [{ by: 'alice', via: 'api' }] });
      const result = await handle.result();
      expect(result, JSON.stringify(result)).toMatchObject({
        status: 'COMPLETED',
        finalService: 'green',
        currentStep: c.weights.length,
        trafficWeight: 100,
      });
      const seen = await steps(handle);
      expect(seen.at(-1)).toBe(100);
      expect(seen.length).toBe(c.weights.length);
      // Slack heard of every timed step on the same message: step k of n, the weight, the bake's
      // absolute end (Slack does not tick), the next weight; green against blue from the watch.
      const lines = slackReleaseLines(handle.workflowId);
      const n = c.weights.length;
      for (const [k, weight] of c.weights.slice(0, -1).entries()) {
        const step = new RegExp(
          `^:bar_chart: \\*Release:\\* Step ${k + 1} of ${n} · ${weight} % on green · bake until \\d\\d:\\d\\d UTC \\(\\d+ s left\\) · next ${c.weights[k + 1]} %\\n\\*Green:\\* p50 \\d+ ms`,
        );
        expect(
          lines.filter((l) => step.test(l)),
          lines.join('\n---\n'),
        ).toHaveLength(1);
      }
      // A first step reached within the watch's first window shows the gate's figures; a later one the watch's.
      if (n > 2) expect(lines.some((l) => l.includes('_(watch window '))).toBe(true);
      // SSE carries the same facts in each step event (the WebSocket sends the same events).
      const { messages } = await readSse(`${served.url}/api/v1/deploy/${handle.workflowId}/events`, authHeader('viewer'), (m) =>
        m.some((x) => x.event === 'success'),
      );
      const stepDetails = messages
        .filter((m) => m.event === 'stage')
        .map((m) => JSON.parse(m.data).details as Record<string, unknown>)
        .filter((d) => d['milestone'] === 'step');
      expect(stepDetails.map((d) => d['weight'])).toEqual(c.weights);
      for (const d of stepDetails.slice(0, -1)) {
        expect(d['bakeEndsAt']).toMatch(/Z$/);
        if (d['windowAt']) expect(d).toMatchObject({ green: { samples: 5 }, blue: { samples: 5 } });
      }
      if (n > 2) expect(stepDetails.some((d) => d['windowAt'])).toBe(true);
      expect(stepDetails.at(-1)).not.toHaveProperty('bakeEndsAt');
      // CodeDeploy: the custom configuration was created first (once: the second release finds it).
      if (c.config)
        expect(worker.sandbox.aws.state.codedeploy.configs.find(c.config[0])).toMatchObject({
          predefined: false,
          trafficRoutingConfig: { type: c.config[1] },
        });
    }, 120_000);

    // Blue/green degrading at 0 % fails its health probes before the gate: nothing to walk.
    if (c.degradeAt === 0) continue;
    it(`${c.name}: rolled back by the watch at the step where green degrades (${c.degradeAt} %)`, async () => {
      const { handle } = await releaseTo(c.engine, c.strategy, `${c.repository}-degrade-at-${c.degradeAt}`);
      await waitFor(handle, (s) => s.status === 'DEPLOYMENT_READY');
      await handle.executeUpdate(switchTrafficUpdate, { args: [{ by: 'alice', via: 'api' }] });
      const result = await handle.result();
      expect(result, JSON.stringify(result)).toMatchObject({
        status: 'ROLLED_BACK',
        finalService: 'blue',
        currentStep: c.weights.indexOf(c.degradeAt) + 1,
        decision: { by: 'switchyard', via: 'workflow' },
      });
      expect(result.decision?.reason).toMatch(/^analysis: green error rate/);
      // The last message says rolled back at the step, with no bake still running.
      const last = slackReleaseLines(handle.workflowId).at(-1)!;
      expect(last).toMatch(new RegExp(`^:bar_chart: \\*Release:\\* Step ${c.weights.indexOf(c.degradeAt) + 1} of ${c.weights.length} · `));
      expect(last).not.toContain('bake');
      expect(result.bakeEndsAt).toBeUndefined();
    }, 120_000);
  }

  it('explicit steps with an approval at 10 % (ECS): holds at 10 % until approved, then completes', async () => {
    const strategy: ReleaseStrategy = { type: 'steps', steps: [{ weight: 10, pause: { approvals: 1 } }, { weight: 100 }] };
    const { handle } = await releaseToEcs(strategy, 'pd-ecs-steps');
    await waitFor(handle, (s) => s.status === 'DEPLOYMENT_READY');
    await handle.executeUpdate(switchTrafficUpdate, { args: [{ by: 'alice', via: 'api' }] });
    const paused = await waitFor(handle, (s) => s.status === 'DEPLOYMENT_READY' && s.currentStep === 1);
    expect(paused).toMatchObject({ trafficWeight: 10, approvalsRequired: 1, approvals: [] });
    await handle.executeUpdate(switchTrafficUpdate, { args: [{ by: 'bob', via: 'api' }] });
    expect(await handle.result()).toMatchObject({ status: 'COMPLETED', currentStep: 2, trafficWeight: 100 });
    expect(await steps(handle)).toEqual([10, 100]);
  }, 120_000);

  it('explicit steps with an approval at 10 % (ECS): green degrading there is rolled back during the pause', async () => {
    const strategy: ReleaseStrategy = { type: 'steps', steps: [{ weight: 10, pause: { approvals: 1 } }, { weight: 100 }] };
    const { handle } = await releaseToEcs(strategy, 'pd-ecs-steps-degrade-at-10');
    await waitFor(handle, (s) => s.status === 'DEPLOYMENT_READY');
    await handle.executeUpdate(switchTrafficUpdate, { args: [{ by: 'alice', via: 'api' }] });
    const result = await handle.result();
    expect(result, JSON.stringify(result)).toMatchObject({
      status: 'ROLLED_BACK',
      currentStep: 1,
      trafficWeight: 10,
      decision: { by: 'switchyard', via: 'workflow' },
    });
  }, 120_000);

  it('startRelease retried after a crash finds its deployment instead of starting another (both engines)', async () => {
    const { services, config } = worker;
    const activities = createReleaseActivities(createDeployClients(services.connections, services.deployEndpoints), {
      pollMs: config.deploy.pollMs,
    });
    // Temporal's own activity context (the activities log through it); each call is one attempt.
    const attempt = new MockActivityEnvironment();
    const release = {
      startRelease: (input: Parameters<typeof activities.startRelease>[0]) =>
        attempt.run(activities.startRelease, input) as ReturnType<typeof activities.startRelease>,
      rollBackRelease: (input: Parameters<typeof activities.rollBackRelease>[0]) =>
        attempt.run(activities.rollBackRelease, input) as ReturnType<typeof activities.rollBackRelease>,
    };
    const state = worker.sandbox.aws.state;
    const { target } = worker.sandbox;
    // ECS: the same stamped task definition, twice: one service deployment.
    const service = `pd-${randomBytes(3).toString('hex')}`;
    seedEcsNativeService(state, {
      cluster: 'native',
      service,
      containerName: target.containerName,
      containerPort: target.containerPort,
      image: 'repo/app:v1',
    });
    const taskDefinitionArn = state.ecs.registerTaskDefinition({
      family: service,
      containerDefinitions: [
        {
          name: target.containerName,
          image: 'repo/app:v2',
          essential: true,
          portMappings: [{ containerPort: target.containerPort, protocol: 'tcp' }],
        },
      ],
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
    }).arn;
    const ecsPlan = planRelease({ type: 'canary', percent: 10, bakeMinutes: 1 }, 'ECS');
    if (!ecsPlan.ok) throw new Error(ecsPlan.message);
    const ecsInput = {
      awsConnectionId: connection.awsConnectionId,
      plan: ecsPlan.plan,
      cluster: 'native',
      service,
      application: '',
      group: '',
      taskDefinitionArn,
      containerName: target.containerName,
      containerPort: target.containerPort,
      deploymentId: `dep_${randomBytes(5).toString('hex')}`,
    };
    const first = await release.startRelease(ecsInput);
    const again = await release.startRelease(ecsInput);
    expect(again.releaseId).toBe(first.releaseId);
    expect(state.ecs.counters.serviceDeploymentsStarted.toJSON()[`native/${service}`]).toBe(1);
    await release.rollBackRelease({
      awsConnectionId: connection.awsConnectionId,
      engine: 'ECS',
      releaseId: first.releaseId,
      reason: 'test',
    });
    // CodeDeploy: the marker in the description finds the first deployment.
    const cdPlan = planRelease({ type: 'linear', stepPercent: 50, intervalMinutes: 1 }, 'CODE_DEPLOY');
    if (!cdPlan.ok) throw new Error(cdPlan.message);
    const before = state.codedeploy.deployments.size;
    const cdInput = {
      ...ecsInput,
      plan: cdPlan.plan,
      cluster: target.cluster,
      service: target.service,
      application: target.codeDeployApplication,
      group: target.codeDeployGroup,
      deploymentId: `dep_${randomBytes(5).toString('hex')}`,
    };
    const cdFirst = await release.startRelease(cdInput);
    const cdAgain = await release.startRelease(cdInput);
    expect(cdAgain.releaseId).toBe(cdFirst.releaseId);
    expect(state.codedeploy.deployments.size).toBe(before + 1);
    await release.rollBackRelease({
      awsConnectionId: connection.awsConnectionId,
      engine: 'CODE_DEPLOY',
      releaseId: cdFirst.releaseId,
      reason: 'test',
    });
  }, 60_000);
});
