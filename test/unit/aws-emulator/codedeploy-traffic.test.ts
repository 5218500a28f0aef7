// CodeDeploy canary and linear for ECS through @aws-sdk/client-codedeploy: the predefined and custom
// deployment configurations (and their refusals), and deployments shifting traffic on schedule.
import { randomBytes } from 'node:crypto';
import {
  BatchGetDeploymentTargetsCommand,
  ContinueDeploymentCommand,
  CreateDeploymentCommand,
  CreateDeploymentConfigCommand,
  DeleteDeploymentConfigCommand,
  DeploymentConfigAlreadyExistsException,
  DeploymentConfigDoesNotExistException,
  DeploymentConfigInUseException,
  GetDeploymentCommand,
  GetDeploymentConfigCommand,
  InvalidDeploymentConfigNameException,
  InvalidMinimumHealthyHostValueException,
  InvalidTrafficRoutingConfigurationException,
  StopDeploymentCommand,
} from '@aws-sdk/client-codedeploy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningAwsEmulator } from '../../../emulators/aws/server.js';
import { appSpec, clients, registerRevision, rejectionOf, revision, seedPanda, startEmulator, waitForDeployment } from './support.js';
import type { Clients } from './support.js';

const MINUTE_MS = 60;
let emulator: RunningAwsEmulator;
let c: Clients;
beforeAll(async () => {
  emulator = await startEmulator({ stepMs: 20, minuteMs: MINUTE_MS });
  c = clients(emulator.url);
});
afterAll(async () => {
  await emulator.close();
});

const unique = (prefix: string) => `${prefix}-${randomBytes(3).toString('hex')}`;

async function deploy(deploymentConfigName?: string, seeded = seedPanda(emulator)) {
  const green = await registerRevision(c, seeded.options, `${seeded.result.repositoryUri}:v2`);
  const { deploymentId } = await c.codedeploy.send(
    new CreateDeploymentCommand({
      applicationName: seeded.options.application,
      deploymentGroupName: seeded.options.deploymentGroup,
      deploymentConfigName,
      revision: revision(appSpec(green, seeded.options)),
    }),
  );
  await waitForDeployment(c, deploymentId!, ['Ready']);
  await c.codedeploy.send(new ContinueDeploymentCommand({ deploymentId }));
  return { deploymentId: deploymentId!, seeded };
}

/** The shifts GetDeployment's status messages record, in order. */
async function shifted(deploymentId: string): Promise<number[]> {
  const { deploymentInfo } = await c.codedeploy.send(new GetDeploymentCommand({ deploymentId }));
  return (deploymentInfo!.deploymentStatusMessages ?? []).flatMap((m) => /^Shifted ([\d.]+) %/.exec(m)?.[1] ?? []).map(Number);
}

async function greenWeight(deploymentId: string): Promise<number> {
  const { deploymentTargets } = await c.codedeploy.send(
    new BatchGetDeploymentTargetsCommand({
      deploymentId,
      targetIds: [`panda-cluster:${emulator.state.codedeploy.deployment(deploymentId).service.name}`],
    }),
  );
  const infos = deploymentTargets![0]!.ecsTarget!.taskSetsInfo!;
  const green = infos.find((t) => t.taskSetLabel === 'Green')?.trafficWeight ?? 0;
  expect(green + infos.find((t) => t.taskSetLabel === 'Blue')!.trafficWeight!).toBe(100);
  return green;
}

/** Green's non-zero production weights, as BatchGetDeploymentTargets shows them, until the end. */
async function weightsUntil(deploymentId: string, stopAt?: (weight: number) => boolean): Promise<number[]> {
  const seen: number[] = [];
  for (let i = 0; i < 2_000; i++) {
    // Status first: a weight read after a terminal status is the final one.
    const { deploymentInfo } = await c.codedeploy.send(new GetDeploymentCommand({ deploymentId }));
    const weight = await greenWeight(deploymentId);
    // Green's weight is 0 until AllowTraffic; the shifts after it are what is asserted.
    if (weight > 0 && seen.at(-1) !== weight) seen.push(weight);
    if (stopAt?.(weight) || ['Succeeded', 'Failed', 'Stopped'].includes(deploymentInfo!.status!)) return seen;
    await new Promise((resolve) => setTimeout(resolve, 3));
  }
  throw new Error('deployment did not finish');
}

describe('deployment configurations', () => {
  it('the predefined ECS canary and linear configs are there', async () => {
    const canary = await c.codedeploy.send(
      new GetDeploymentConfigCommand({ deploymentConfigName: 'CodeDeployDefault.ECSCanary10Percent15Minutes' }),
    );
    expect(canary.deploymentConfigInfo).toMatchObject({
      computePlatform: 'ECS',
      trafficRoutingConfig: { type: 'TimeBasedCanary', timeBasedCanary: { canaryPercentage: 10, canaryInterval: 15 } },
    });
    const linear = await c.codedeploy.send(
      new GetDeploymentConfigCommand({ deploymentConfigName: 'CodeDeployDefault.ECSLinear10PercentEvery3Minutes' }),
    );
    expect(linear.deploymentConfigInfo!.trafficRoutingConfig).toEqual({
      type: 'TimeBasedLinear',
      timeBasedLinear: { linearPercentage: 10, linearInterval: 3 },
    });
    const missing = await rejectionOf(c.codedeploy.send(new GetDeploymentConfigCommand({ deploymentConfigName: 'no-such-config' })));
    expect(missing).toBeInstanceOf(DeploymentConfigDoesNotExistException);
  });

  it('CreateDeploymentConfig stores a TimeBasedLinear config once; the same name again is DeploymentConfigAlreadyExistsException', async () => {
    const name = unique('linear25');
    const input = {
      deploymentConfigName: name,
      computePlatform: 'ECS' as const,
      trafficRoutingConfig: { type: 'TimeBasedLinear' as const, timeBasedLinear: { linearPercentage: 25, linearInterval: 1 } },
    };
    const { deploymentConfigId } = await c.codedeploy.send(new CreateDeploymentConfigCommand(input));
    const { deploymentConfigInfo } = await c.codedeploy.send(new GetDeploymentConfigCommand({ deploymentConfigName: name }));
    expect(deploymentConfigInfo).toMatchObject({
      deploymentConfigId,
      deploymentConfigName: name,
      trafficRoutingConfig: input.trafficRoutingConfig,
    });
    expect(await rejectionOf(c.codedeploy.send(new CreateDeploymentConfigCommand(input)))).toBeInstanceOf(
      DeploymentConfigAlreadyExistsException,
    );
    const predefined = { ...input, deploymentConfigName: 'CodeDeployDefault.ECSAllAtOnce' };
    expect(await rejectionOf(c.codedeploy.send(new CreateDeploymentConfigCommand(predefined)))).toBeInstanceOf(
      DeploymentConfigAlreadyExistsException,
    );
  });

  it('refuses bad traffic routing, minimumHealthyHosts on ECS, and deleting a predefined or used config', async () => {
    const canary = (canaryPercentage: number) =>
      new CreateDeploymentConfigCommand({
        deploymentConfigName: unique('bad'),
        computePlatform: 'ECS',
        trafficRoutingConfig: { type: 'TimeBasedCanary', timeBasedCanary: { canaryPercentage, canaryInterval: 5 } },
      });
    expect(await rejectionOf(c.codedeploy.send(canary(0)))).toBeInstanceOf(InvalidTrafficRoutingConfigurationException);
    expect(await rejectionOf(c.codedeploy.send(canary(100)))).toBeInstanceOf(InvalidTrafficRoutingConfigurationException);
    const hosts = await rejectionOf(
      c.codedeploy.send(
        new CreateDeploymentConfigCommand({
          deploymentConfigName: unique('hosts'),
          computePlatform: 'ECS',
          minimumHealthyHosts: { type: 'FLEET_PERCENT', value: 50 },
        }),
      ),
    );
    expect(hosts).toBeInstanceOf(InvalidMinimumHealthyHostValueException);
    const names = emulator.state.codedeploy.configs.names();
    expect(names.filter((n) => n.startsWith('bad-') || n.startsWith('hosts-'))).toEqual([]);
    expect(
      (await rejectionOf(c.codedeploy.send(new DeleteDeploymentConfigCommand({ deploymentConfigName: 'CodeDeployDefault.ECSAllAtOnce' }))))
        .name,
    ).toBe('InvalidOperationException');

    const name = unique('used');
    await c.codedeploy.send(
      new CreateDeploymentConfigCommand({
        deploymentConfigName: name,
        computePlatform: 'ECS',
        trafficRoutingConfig: { type: 'AllAtOnce' },
      }),
    );
    const { options } = seedPanda(emulator);
    emulator.state.codedeploy.deploymentGroup(options.application, options.deploymentGroup).deploymentConfigName = name;
    expect(await rejectionOf(c.codedeploy.send(new DeleteDeploymentConfigCommand({ deploymentConfigName: name })))).toBeInstanceOf(
      DeploymentConfigInUseException,
    );
    emulator.state.codedeploy.deploymentGroup(options.application, options.deploymentGroup).deploymentConfigName =
      'CodeDeployDefault.ECSAllAtOnce';
    await c.codedeploy.send(new DeleteDeploymentConfigCommand({ deploymentConfigName: name }));
    expect(await rejectionOf(c.codedeploy.send(new GetDeploymentConfigCommand({ deploymentConfigName: name })))).toBeInstanceOf(
      DeploymentConfigDoesNotExistException,
    );
  });
});

describe('canary and linear deployments', () => {
  it('ECSCanary10Percent5Minutes shifts 10 %, waits five minutes, then shifts the rest', async () => {
    const started = Date.now();
    const { deploymentId } = await deploy('CodeDeployDefault.ECSCanary10Percent5Minutes');
    expect(await weightsUntil(deploymentId)).toEqual([10, 100]);
    expect(await shifted(deploymentId)).toEqual([10, 100]);
    const { deploymentInfo } = await c.codedeploy.send(new GetDeploymentCommand({ deploymentId }));
    expect(deploymentInfo).toMatchObject({ status: 'Succeeded', deploymentConfigName: 'CodeDeployDefault.ECSCanary10Percent5Minutes' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(5 * MINUTE_MS);
  });

  it('a custom linear config shifts 25 % a minute; the group default stays all-at-once', async () => {
    const name = unique('linear25');
    await c.codedeploy.send(
      new CreateDeploymentConfigCommand({
        deploymentConfigName: name,
        computePlatform: 'ECS',
        trafficRoutingConfig: { type: 'TimeBasedLinear', timeBasedLinear: { linearPercentage: 25, linearInterval: 1 } },
      }),
    );
    const linear = await deploy(name);
    // Polling may miss a short step on a loaded machine; the recorded shifts may not.
    const observed = await weightsUntil(linear.deploymentId);
    expect(await shifted(linear.deploymentId)).toEqual([25, 50, 75, 100]);
    expect([25, 50, 75, 100]).toEqual(expect.arrayContaining(observed));
    expect(observed.at(-1)).toBe(100);
    const allAtOnce = await deploy();
    expect(await weightsUntil(allAtOnce.deploymentId)).toEqual([100]);
    expect(await shifted(allAtOnce.deploymentId)).toEqual([]);
  });

  it('StopDeployment during the canary returns all traffic to blue and removes green', async () => {
    const { deploymentId } = await deploy('CodeDeployDefault.ECSCanary10Percent15Minutes');
    expect(await weightsUntil(deploymentId, (w) => w === 10)).toEqual([10]);
    await c.codedeploy.send(new StopDeploymentCommand({ deploymentId, autoRollbackEnabled: true }));
    const info = await waitForDeployment(c, deploymentId, ['Stopped']);
    expect(info.rollbackInfo?.rollbackMessage).toContain('rolled back');
    const { deploymentTargets } = await c.codedeploy.send(
      new BatchGetDeploymentTargetsCommand({
        deploymentId,
        targetIds: [`panda-cluster:${emulator.state.codedeploy.deployment(deploymentId).service.name}`],
      }),
    );
    expect(deploymentTargets![0]!.ecsTarget!.taskSetsInfo!.map((t) => [t.taskSetLabel, t.trafficWeight])).toEqual([
      ['Blue', 100],
      ['Green', 0],
    ]);
  });

  it('CreateDeployment refuses an unknown or non-ECS config and creates nothing', async () => {
    const seeded = seedPanda(emulator);
    const green = await registerRevision(c, seeded.options, `${seeded.result.repositoryUri}:v2`);
    const create = (deploymentConfigName: string) =>
      c.codedeploy.send(
        new CreateDeploymentCommand({
          applicationName: seeded.options.application,
          deploymentGroupName: seeded.options.deploymentGroup,
          deploymentConfigName,
          revision: revision(appSpec(green, seeded.options)),
        }),
      );
    expect(await rejectionOf(create('no-such-config'))).toBeInstanceOf(DeploymentConfigDoesNotExistException);
    expect(await rejectionOf(create('CodeDeployDefault.OneAtATime'))).toBeInstanceOf(InvalidDeploymentConfigNameException);
    expect(emulator.state.counters.deploymentsCreated.get(`${seeded.options.application}/${seeded.options.deploymentGroup}`)).toBe(0);
  });
});
