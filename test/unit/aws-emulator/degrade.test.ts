// The sandbox test value `degrade-at-<N>`: green answers its health check until it carries N % of
// production traffic, then fails, on both engines (ECS-native linear, CodeDeploy canary).
import { randomBytes } from 'node:crypto';
import { ContinueDeploymentCommand, CreateDeploymentCommand, StopDeploymentCommand } from '@aws-sdk/client-codedeploy';
import {
  ContinueServiceDeploymentCommand,
  DescribeServiceDeploymentsCommand,
  ListServiceDeploymentsCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import type { ServiceDeployment } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { degradedAt } from '../../../emulators/aws/bluegreen-app.js';
import { seedEcsNativeService } from '../../../emulators/aws/seed-ecs-native.js';
import { blueGreenUrls } from '../../../emulators/aws/server.js';
import type { RunningAwsEmulator } from '../../../emulators/aws/server.js';
import { appSpec, clients, registerRevision, revision, seedPanda, startEmulator, waitForDeployment } from './support.js';
import type { Clients } from './support.js';

let emulator: RunningAwsEmulator;
let c: Clients;
beforeAll(async () => {
  emulator = await startEmulator({ stepMs: 5, minuteMs: 60 });
  c = clients(emulator.url);
});
afterAll(async () => {
  await emulator.close();
});

const probe = async (base: string) => {
  const res = await fetch(`${base}/health`);
  return { status: res.status, body: (await res.json()) as { trafficWeight: number; status?: string } };
};

async function poll<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let i = 0; i < 1_000; i++) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error('condition not reached');
}

describe('degrade-at-<N> test value', () => {
  it('degradedAt reads the threshold from the image', () => {
    expect(degradedAt('repo/app:v2-degrade-at-50', 49.9)).toBe(false);
    expect(degradedAt('repo/app:v2-degrade-at-50', 50)).toBe(true);
    expect(degradedAt('repo/app:v2', 100)).toBe(false);
  });

  it('ECS-native linear with a PAUSE before each shift: green is healthy at 0 and 25 %, failing from 50 %', async () => {
    const service = `deg-${randomBytes(3).toString('hex')}`;
    const options = {
      cluster: 'native',
      service,
      containerName: 'app',
      containerPort: 8080,
      application: '',
      deploymentGroup: '',
      repository: '',
    };
    seedEcsNativeService(emulator.state, { ...options, image: 'repo/app:v1' });
    const target = await registerRevision(c, options, 'repo/app:v2-degrade-at-50');
    await c.ecs.send(
      new UpdateServiceCommand({
        cluster: 'native',
        service,
        taskDefinition: target,
        deploymentConfiguration: {
          strategy: 'LINEAR',
          linearConfiguration: { stepPercent: 25, stepBakeTimeInMinutes: 0 },
          lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['PRE_PRODUCTION_TRAFFIC_SHIFT'] }],
        },
      }),
    );
    const arn = (await c.ecs.send(new ListServiceDeploymentsCommand({ cluster: 'native', service }))).serviceDeployments![0]!
      .serviceDeploymentArn!;
    const describe1 = async () =>
      (await c.ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] }))).serviceDeployments![0]!;
    const { blueUrl, greenUrl } = blueGreenUrls(emulator.url, 'native', service);
    const seen: [number, number, number][] = [];
    for (let step = 0; step < 4; step++) {
      const paused: ServiceDeployment = await poll(describe1, (d) => d.lifecycleHookDetails?.[0]?.status === 'AWAITING_ACTION');
      const green = await probe(greenUrl);
      seen.push([green.body.trafficWeight, green.status, (await probe(blueUrl)).body.trafficWeight]);
      await c.ecs.send(
        new ContinueServiceDeploymentCommand({ serviceDeploymentArn: arn, hookId: paused.lifecycleHookDetails![0]!.hookId! }),
      );
    }
    expect(seen).toEqual([
      [0, 200, 100],
      [25, 200, 75],
      [50, 500, 50],
      [75, 500, 25],
    ]);
    await poll(describe1, (d) => d.status === 'SUCCESSFUL');
  });

  it('CodeDeploy canary: green is healthy at Ready and failing once the canary gives it 10 %', async () => {
    const seeded = seedPanda(emulator);
    const green = await registerRevision(c, seeded.options, `${seeded.result.repositoryUri}:v2-degrade-at-10`);
    const { deploymentId } = await c.codedeploy.send(
      new CreateDeploymentCommand({
        applicationName: seeded.options.application,
        deploymentGroupName: seeded.options.deploymentGroup,
        deploymentConfigName: 'CodeDeployDefault.ECSCanary10Percent15Minutes',
        revision: revision(appSpec(green, seeded.options)),
      }),
    );
    await waitForDeployment(c, deploymentId!, ['Ready']);
    const { greenUrl } = blueGreenUrls(emulator.url, seeded.options.cluster, seeded.options.service);
    expect(await probe(greenUrl)).toMatchObject({ status: 200, body: { trafficWeight: 0 } });
    await c.codedeploy.send(new ContinueDeploymentCommand({ deploymentId }));
    const degraded = await poll(
      () => probe(greenUrl),
      (p) => p.body.trafficWeight === 10,
    );
    expect(degraded).toMatchObject({ status: 500, body: { status: 'UNHEALTHY' } });
    await c.codedeploy.send(new StopDeploymentCommand({ deploymentId, autoRollbackEnabled: true }));
  });
});
