// ECS-native service deployments (deploymentController ECS) through @aws-sdk/client-ecs:
// blue/green with PAUSE hooks, canary and linear traffic shifts, Lambda hooks, stop and the refusals.
import { randomBytes } from 'node:crypto';
import { deserialize, serialize } from 'node:v8';
import {
  ConflictException,
  ContinueServiceDeploymentCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServiceRevisionsCommand,
  DescribeServicesCommand,
  InvalidParameterException,
  ListServiceDeploymentsCommand,
  ServiceDeploymentNotFoundException,
  StopServiceDeploymentCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import type { DeploymentConfiguration, ServiceDeployment } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EcsHookPayload } from '../../../emulators/aws/ecs-deployment-model.js';
import { seedEcsNativeService } from '../../../emulators/aws/seed-ecs-native.js';
import type { RunningAwsEmulator } from '../../../emulators/aws/server.js';
import { clients, registerRevision, rejectionOf, startEmulator } from './support.js';
import type { Clients } from './support.js';

const MINUTE_MS = 60;
let emulator: RunningAwsEmulator;
let c: Clients;
beforeAll(async () => {
  emulator = await startEmulator({ stepMs: 5, minuteMs: MINUTE_MS });
  c = clients(emulator.url);
});
afterAll(async () => {
  await emulator.close();
});

const ROLE = 'arn:aws:iam::123456789012:role/ecsLambdaHookRole';
const lambdaArn = (name: string) => `arn:aws:lambda:ap-northeast-2:123456789012:function:${name}`;

function nativeService() {
  const options = {
    cluster: 'native',
    service: `svc-${randomBytes(3).toString('hex')}`,
    containerName: 'app',
    containerPort: 8080,
    application: '',
    deploymentGroup: '',
    repository: 'repo',
  };
  const seeded = seedEcsNativeService(emulator.state, { ...options, image: 'repo/app:v1' });
  return { options, ...seeded };
}

async function deploy(configuration: DeploymentConfiguration, tag = 'v2') {
  const service = nativeService();
  const target = await registerRevision(c, service.options, `repo/app:${tag}`);
  await c.ecs.send(
    new UpdateServiceCommand({
      cluster: 'native',
      service: service.options.service,
      taskDefinition: target,
      deploymentConfiguration: configuration,
    }),
  );
  const { serviceDeployments } = await c.ecs.send(
    new ListServiceDeploymentsCommand({ cluster: 'native', service: service.options.service }),
  );
  return { ...service, target, arn: serviceDeployments![0]!.serviceDeploymentArn! };
}

async function describe1(arn: string): Promise<ServiceDeployment> {
  const { serviceDeployments } = await c.ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] }));
  return serviceDeployments![0]!;
}

async function waitFor(arn: string, done: (d: ServiceDeployment) => boolean, timeoutMs = 5_000): Promise<ServiceDeployment> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const d = await describe1(arn);
    if (done(d)) return d;
    if (Date.now() > deadline) throw new Error(`service deployment is ${d.status} at ${d.lifecycleStage}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const awaiting = (stage: string) => (d: ServiceDeployment) =>
  d.lifecycleStage === stage && d.lifecycleHookDetails?.[0]?.status === 'AWAITING_ACTION';
const finished = (d: ServiceDeployment) => ['SUCCESSFUL', 'ROLLBACK_SUCCESSFUL', 'STOPPED'].includes(d.status!);
const pause = (stage: string, timeoutInMinutes = 60, action: 'CONTINUE' | 'ROLLBACK' = 'ROLLBACK') => ({
  targetType: 'PAUSE' as const,
  lifecycleStages: [stage as 'POST_TEST_TRAFFIC_SHIFT'],
  timeoutConfiguration: { timeoutInMinutes, action },
});
const productionWeights = (arn: string) => {
  const [cluster, service] = arn.split('/').slice(1, 3);
  const deployment = emulator.state.ecs.findService(cluster, service!)!.serviceDeployments.find((d) => d.arn === arn)!;
  return deployment.trafficHistory.map((p) => p.productionWeight).filter((w, i, all) => i === 0 || all[i - 1] !== w);
};

describe('ECS-native blue/green with PAUSE hooks', () => {
  it('waits AWAITING_ACTION at POST_TEST_TRAFFIC_SHIFT with expiresAt, continues on CONTINUE and finishes SUCCESSFUL', async () => {
    const before = Date.now();
    const { arn, target, options } = await deploy({
      strategy: 'BLUE_GREEN',
      bakeTimeInMinutes: 1,
      lifecycleHooks: [pause('POST_TEST_TRAFFIC_SHIFT', 30, 'ROLLBACK')],
    });
    const waiting = await waitFor(arn, awaiting('POST_TEST_TRAFFIC_SHIFT'));
    expect(waiting.status).toBe('IN_PROGRESS');
    expect(waiting.targetServiceRevision).toMatchObject({
      requestedTestTrafficWeight: 100,
      requestedProductionTrafficWeight: 0,
      runningTaskCount: 2,
    });
    expect(waiting.sourceServiceRevisions![0]).toMatchObject({ requestedProductionTrafficWeight: 100 });
    const hook = waiting.lifecycleHookDetails![0]!;
    expect(hook).toMatchObject({ targetType: 'PAUSE', status: 'AWAITING_ACTION', timeoutAction: 'ROLLBACK' });
    expect(hook.hookId).toMatch(/^ecs-pause-[A-Za-z0-9_-]+$/);
    expect(hook.expiresAt!.getTime()).toBeGreaterThanOrEqual(before + 30 * MINUTE_MS - 1_000);

    await c.ecs.send(new ContinueServiceDeploymentCommand({ serviceDeploymentArn: arn, hookId: hook.hookId, action: 'CONTINUE' }));
    const done = await waitFor(arn, finished);
    expect(done.status).toBe('SUCCESSFUL');
    expect(productionWeights(arn)).toEqual([0, 100]);
    const { services } = await c.ecs.send(new DescribeServicesCommand({ cluster: 'native', services: [options.service] }));
    expect(services![0]!.taskDefinition).toBe(target);
    const { serviceRevisions } = await c.ecs.send(
      new DescribeServiceRevisionsCommand({ serviceRevisionArns: [done.targetServiceRevision!.arn!] }),
    );
    expect(serviceRevisions![0]).toMatchObject({
      taskDefinition: target,
      containerImages: [{ containerName: 'app', image: 'repo/app:v2' }],
    });
  });

  it('refuses ContinueServiceDeployment for a hook that is not AWAITING_ACTION, and ROLLBACK rolls back', async () => {
    const { arn, options, taskDefinitionArn } = await deploy({
      strategy: 'BLUE_GREEN',
      bakeTimeInMinutes: 0,
      lifecycleHooks: [pause('POST_TEST_TRAFFIC_SHIFT'), pause('POST_PRODUCTION_TRAFFIC_SHIFT')],
    });
    const first = (await waitFor(arn, awaiting('POST_TEST_TRAFFIC_SHIFT'))).lifecycleHookDetails![0]!.hookId!;
    await c.ecs.send(new ContinueServiceDeploymentCommand({ serviceDeploymentArn: arn, hookId: first }));
    const second = (await waitFor(arn, awaiting('POST_PRODUCTION_TRAFFIC_SHIFT'))).lifecycleHookDetails![0]!.hookId!;
    const again = await rejectionOf(c.ecs.send(new ContinueServiceDeploymentCommand({ serviceDeploymentArn: arn, hookId: first })));
    expect(again).toBeInstanceOf(InvalidParameterException);
    expect(again.message).toContain('not AWAITING_ACTION');
    const unknown = await rejectionOf(
      c.ecs.send(new ContinueServiceDeploymentCommand({ serviceDeploymentArn: arn, hookId: 'ecs-pause-nope' })),
    );
    expect(unknown).toBeInstanceOf(InvalidParameterException);
    expect((await describe1(arn)).status).toBe('IN_PROGRESS'); // the refusals changed nothing

    await c.ecs.send(new ContinueServiceDeploymentCommand({ serviceDeploymentArn: arn, hookId: second, action: 'ROLLBACK' }));
    const done = await waitFor(arn, finished);
    expect(done).toMatchObject({ status: 'ROLLBACK_SUCCESSFUL', rollback: { serviceRevisionArn: done.sourceServiceRevisions![0]!.arn } });
    expect(productionWeights(arn)).toEqual([0, 100, 0]);
    const { services } = await c.ecs.send(new DescribeServicesCommand({ cluster: 'native', services: [options.service] }));
    expect(services![0]!.taskDefinition).toBe(taskDefinitionArn);
    const late = await rejectionOf(c.ecs.send(new ContinueServiceDeploymentCommand({ serviceDeploymentArn: arn, hookId: second })));
    expect(late).toBeInstanceOf(InvalidParameterException);
  });

  it('a PAUSE hook left unanswered takes its timeout action: ROLLBACK rolls back, CONTINUE goes on', async () => {
    const rolled = await deploy({ strategy: 'BLUE_GREEN', bakeTimeInMinutes: 0, lifecycleHooks: [pause('POST_SCALE_UP', 1, 'ROLLBACK')] });
    const continued = await deploy({
      strategy: 'BLUE_GREEN',
      bakeTimeInMinutes: 0,
      lifecycleHooks: [pause('PRE_PRODUCTION_TRAFFIC_SHIFT', 1, 'CONTINUE')],
    });
    const a = await waitFor(rolled.arn, finished);
    expect(a.status).toBe('ROLLBACK_SUCCESSFUL');
    expect(a.lifecycleHookDetails![0]!.status).toBe('TIMED_OUT');
    expect(a.statusReason).toContain('timed out');
    const b = await waitFor(continued.arn, finished);
    expect(b.status).toBe('SUCCESSFUL');
    const runs = emulator.state.ecs.findService('native', continued.options.service)!.serviceDeployments.at(-1)!.hooks;
    expect(runs.map((h) => [h.stage, h.status])).toEqual([['PRE_PRODUCTION_TRAFFIC_SHIFT', 'TIMED_OUT']]);
    expect(productionWeights(continued.arn)).toEqual([0, 100]);
  });
});

describe('ECS-native canary and linear', () => {
  it('a canary shifts canaryPercent, bakes canaryBakeTimeInMinutes, then shifts the rest', async () => {
    const started = Date.now();
    const { arn } = await deploy({
      strategy: 'CANARY',
      bakeTimeInMinutes: 0,
      canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 3 },
    });
    const canary = await waitFor(arn, (d) => d.targetServiceRevision?.requestedProductionTrafficWeight === 10);
    expect(canary).toMatchObject({
      lifecycleStage: 'PRODUCTION_TRAFFIC_SHIFT',
      sourceServiceRevisions: [{ requestedProductionTrafficWeight: 90 }],
    });
    expect((await waitFor(arn, finished)).status).toBe('SUCCESSFUL');
    expect(productionWeights(arn)).toEqual([0, 10, 100]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(3 * MINUTE_MS);
  });

  it('a linear release shifts stepPercent on each step and StopServiceDeployment rolls it back mid-way', async () => {
    const full = await deploy({
      strategy: 'LINEAR',
      bakeTimeInMinutes: 0,
      linearConfiguration: { stepPercent: 25, stepBakeTimeInMinutes: 1 },
    });
    expect((await waitFor(full.arn, finished)).status).toBe('SUCCESSFUL');
    expect(productionWeights(full.arn)).toEqual([0, 25, 50, 75, 100]);

    const stopped = await deploy({ strategy: 'LINEAR', linearConfiguration: { stepPercent: 10, stepBakeTimeInMinutes: 60 } });
    await waitFor(stopped.arn, (d) => d.targetServiceRevision?.requestedProductionTrafficWeight === 10);
    await c.ecs.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: stopped.arn, stopType: 'ROLLBACK' }));
    const done = await waitFor(stopped.arn, finished);
    expect(done).toMatchObject({ status: 'ROLLBACK_SUCCESSFUL', targetServiceRevision: { requestedProductionTrafficWeight: 0 } });
    const twice = await rejectionOf(c.ecs.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: stopped.arn })));
    expect(twice).toBeInstanceOf(ConflictException);
  });
});

describe('ECS-native Lambda hooks', () => {
  it('invokes the function with the weights and follows hookStatus: IN_PROGRESS re-invokes, SUCCEEDED continues', async () => {
    const events: EcsHookPayload[] = [];
    const name = `hook-${randomBytes(3).toString('hex')}`;
    emulator.state.lambda.register(name, (event: EcsHookPayload) => {
      events.push(event);
      return events.length < 3
        ? { hookStatus: 'IN_PROGRESS', callBackDelay: 1, hookDetails: { round: events.length } }
        : { hookStatus: 'SUCCEEDED' };
    });
    const { arn } = await deploy({
      strategy: 'BLUE_GREEN',
      bakeTimeInMinutes: 0,
      lifecycleHooks: [
        {
          targetType: 'AWS_LAMBDA',
          hookTargetArn: lambdaArn(name),
          roleArn: ROLE,
          lifecycleStages: ['TEST_TRAFFIC_SHIFT'],
          hookDetails: { suite: 'smoke' },
        },
      ],
    });
    expect((await waitFor(arn, finished)).status).toBe('SUCCESSFUL');
    expect(events).toHaveLength(3);
    expect(events[0]).toMatchObject({ lifecycleStage: 'TEST_TRAFFIC_SHIFT', resourceArn: arn, hookDetails: { suite: 'smoke' } });
    expect(Object.values(events[0]!.executionDetails.testTrafficWeights).sort()).toEqual([0, 100]);
    expect(events[1]!.hookDetails).toEqual({ round: 1 });
  });

  it('a hook answering FAILED, throwing or naming no function rolls the deployment back', async () => {
    const name = `fails-${randomBytes(3).toString('hex')}`;
    emulator.state.lambda.register(name, (_event: EcsHookPayload) => ({ hookStatus: 'FAILED' }));
    const hook = (fn: string) => ({
      strategy: 'CANARY' as const,
      canaryConfiguration: { canaryPercent: 20, canaryBakeTimeInMinutes: 0 },
      lifecycleHooks: [
        {
          targetType: 'AWS_LAMBDA' as const,
          hookTargetArn: lambdaArn(fn),
          roleArn: ROLE,
          lifecycleStages: ['PRODUCTION_TRAFFIC_SHIFT' as const],
        },
      ],
    });
    const failed = await deploy(hook(name));
    const missing = await deploy(hook('no-such-function'));
    const a = await waitFor(failed.arn, finished);
    expect(a).toMatchObject({ status: 'ROLLBACK_SUCCESSFUL', statusReason: expect.stringContaining('returned FAILED') });
    expect(productionWeights(failed.arn)).toEqual([0, 20, 0]);
    expect((await waitFor(missing.arn, finished)).statusReason).toContain('ResourceNotFoundException');
  });
});

describe('refusals', () => {
  const refused: [string, DeploymentConfiguration, string][] = [
    [
      'PAUSE at PRODUCTION_TRAFFIC_SHIFT',
      { strategy: 'BLUE_GREEN', lifecycleHooks: [pause('PRODUCTION_TRAFFIC_SHIFT')] },
      'PAUSE hooks cannot be configured',
    ],
    [
      'PAUSE at TEST_TRAFFIC_SHIFT',
      { strategy: 'BLUE_GREEN', lifecycleHooks: [pause('TEST_TRAFFIC_SHIFT')] },
      'PAUSE hooks cannot be configured',
    ],
    [
      'a Lambda hook without roleArn',
      { strategy: 'BLUE_GREEN', lifecycleHooks: [{ hookTargetArn: lambdaArn('x'), lifecycleStages: ['POST_SCALE_UP'] }] },
      'roleArn',
    ],
    [
      'a Lambda hook naming its function by name, not ARN',
      {
        strategy: 'BLUE_GREEN',
        lifecycleHooks: [{ hookTargetArn: 'CodeDeployHook_switchyard', roleArn: ROLE, lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'] }],
      },
      'hookTargetArn must be the ARN of a Lambda function',
    ],
    ['a canaryPercent below 0.1', { strategy: 'CANARY', canaryConfiguration: { canaryPercent: 0.05 } }, 'canaryPercent'],
    ['a stepPercent below 3', { strategy: 'LINEAR', linearConfiguration: { stepPercent: 2 } }, 'stepPercent'],
    ['canaryConfiguration with LINEAR', { strategy: 'LINEAR', canaryConfiguration: { canaryPercent: 10 } }, 'CANARY strategy'],
    ['a bake time over 1440 minutes', { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 1441 }, 'bakeTimeInMinutes'],
    ['hooks on a ROLLING deployment', { strategy: 'ROLLING', lifecycleHooks: [pause('POST_SCALE_UP')] }, 'Lifecycle hooks'],
  ];
  it.each(refused)('UpdateService refuses %s with InvalidParameterException and starts nothing', async (_name, configuration, message) => {
    const { options } = nativeService();
    const target = await registerRevision(c, options, 'repo/app:v2');
    const error = await rejectionOf(
      c.ecs.send(
        new UpdateServiceCommand({
          cluster: 'native',
          service: options.service,
          taskDefinition: target,
          deploymentConfiguration: configuration,
        }),
      ),
    );
    expect(error).toBeInstanceOf(InvalidParameterException);
    expect(error.message).toContain(message);
    expect(emulator.state.counters.serviceDeploymentsStarted.get(`native/${options.service}`)).toBe(0);
    const { serviceDeployments } = await c.ecs.send(new ListServiceDeploymentsCommand({ cluster: 'native', service: options.service }));
    expect(serviceDeployments!.map((d) => d.status)).toEqual(['SUCCESSFUL']); // only CreateService's
  });

  it('blue/green needs a load balancer advancedConfiguration; a second deployment waits for the first; unknown ARNs are not found', async () => {
    const { options } = nativeService();
    emulator.state.ecs.findService('native', options.service)!.loadBalancers[0]!.advancedConfiguration = undefined;
    const target = await registerRevision(c, options, 'repo/app:v2');
    const noAdvanced = await rejectionOf(
      c.ecs.send(
        new UpdateServiceCommand({
          cluster: 'native',
          service: options.service,
          taskDefinition: target,
          deploymentConfiguration: { strategy: 'CANARY' },
        }),
      ),
    );
    expect(noAdvanced.message).toContain('advancedConfiguration');

    const running = await deploy({ strategy: 'BLUE_GREEN', lifecycleHooks: [pause('POST_SCALE_UP')] });
    const next = await registerRevision(c, running.options, 'repo/app:v3');
    const busy = await rejectionOf(
      c.ecs.send(new UpdateServiceCommand({ cluster: 'native', service: running.options.service, taskDefinition: next })),
    );
    expect(busy).toBeInstanceOf(InvalidParameterException);
    expect(emulator.state.counters.serviceDeploymentsStarted.get(`native/${running.options.service}`)).toBe(1);

    const missing = running.arn.replace(/[^/]+$/, 'AAAAAAAAAAAAAAAAAAAAA');
    expect(await rejectionOf(c.ecs.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: missing })))).toBeInstanceOf(
      ServiceDeploymentNotFoundException,
    );
    const described = await c.ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [missing] }));
    expect(described.failures).toEqual([{ arn: missing, reason: 'MISSING' }]);
    await c.ecs.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: running.arn }));
  });
});

describe('snapshots', () => {
  it('a deployment waiting at a PAUSE hook survives export and import, keeps its timeout and can be continued', async () => {
    const { arn } = await deploy({ strategy: 'BLUE_GREEN', bakeTimeInMinutes: 0, lifecycleHooks: [pause('POST_SCALE_UP', 60)] });
    const hookId = (await waitFor(arn, awaiting('POST_SCALE_UP'))).lifecycleHookDetails![0]!.hookId!;
    const second = await startEmulator({ stepMs: 5, minuteMs: MINUTE_MS });
    try {
      second.state.importData(deserialize(serialize(emulator.state.exportData())) as ReturnType<typeof emulator.state.exportData>);
      const restored = clients(second.url);
      const { serviceDeployments } = await restored.ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] }));
      expect(serviceDeployments![0]!.lifecycleHookDetails![0]).toMatchObject({ hookId, status: 'AWAITING_ACTION' });
      await restored.ecs.send(new ContinueServiceDeploymentCommand({ serviceDeploymentArn: arn, hookId }));
      for (let i = 0; i < 500; i++) {
        const [d] = (await restored.ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] }))).serviceDeployments!;
        if (d!.status === 'SUCCESSFUL') return;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      throw new Error('the restored deployment did not finish');
    } finally {
      await second.close();
      await c.ecs.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: arn }));
    }
  });
});
