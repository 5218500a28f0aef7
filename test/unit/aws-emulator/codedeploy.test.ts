import {
  BatchGetDeploymentTargetsCommand,
  BatchGetDeploymentsCommand,
  ContinueDeploymentCommand,
  CreateDeploymentCommand,
  DeploymentAlreadyCompletedException,
  DeploymentIsNotInReadyStateException,
  DeploymentLimitExceededException,
  GetDeploymentGroupCommand,
  InvalidRevisionException,
  LifecycleEventAlreadyCompletedException,
  ListDeploymentsCommand,
  ListDeploymentTargetsCommand,
  PutLifecycleEventHookExecutionStatusCommand,
  StopDeploymentCommand,
} from '@aws-sdk/client-codedeploy';
import { DescribeServicesCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LifecycleHookEvent } from '../../../emulators/aws/codedeploy-model.js';
import type { AwsSeedOptions } from '../../../emulators/aws/seed.js';
import type { RunningAwsEmulator } from '../../../emulators/aws/server.js';
import { appSpec, clients, registerRevision, rejectionOf, revision, seedPanda, startEmulator, waitForDeployment } from './support.js';
import type { Clients } from './support.js';

let emulator: RunningAwsEmulator;
let c: Clients;
beforeAll(async () => {
  emulator = await startEmulator();
  c = clients(emulator.url);
});
afterAll(async () => {
  await emulator.close();
});

/**
 * Seeds a service, registers a new revision with `tag` and starts a CodeDeploy deployment of it,
 * its AppSpec naming `hooks` when given.
 */
async function deploy(tag: string, seeded = seedPanda(emulator), hooks?: Record<string, unknown>[]) {
  const { options } = seeded;
  const image = `${seeded.result.repositoryUri}:${tag}`;
  const greenTaskDefinition = await registerRevision(c, options, image);
  const { deploymentId } = await c.codedeploy.send(
    new CreateDeploymentCommand({
      applicationName: options.application,
      deploymentGroupName: options.deploymentGroup,
      description: `deploy ${tag}`,
      revision: revision(appSpec(greenTaskDefinition, options, hooks)),
    }),
  );
  return { deploymentId: deploymentId!, greenTaskDefinition, blueTaskDefinition: seeded.result.taskDefinitionArn, options };
}

async function ecsTarget(deploymentId: string) {
  const { targetIds } = await c.codedeploy.send(new ListDeploymentTargetsCommand({ deploymentId }));
  const { deploymentTargets } = await c.codedeploy.send(new BatchGetDeploymentTargetsCommand({ deploymentId, targetIds }));
  return { targetIds, target: deploymentTargets![0]! };
}

async function serviceOf(options: AwsSeedOptions) {
  const { services } = await c.ecs.send(new DescribeServicesCommand({ cluster: options.cluster, services: [options.service] }));
  return services![0]!;
}

describe('CodeDeploy ECS blue/green through @aws-sdk/client-codedeploy', () => {
  it('happy path: Ready with green on test traffic, then ContinueDeployment switches production and the service task definition', async () => {
    const { deploymentId, greenTaskDefinition, blueTaskDefinition, options } = await deploy('v2');
    expect(deploymentId).toMatch(/^d-[A-Z0-9]{9}$/);

    const ready = await waitForDeployment(c, deploymentId, ['Ready']);
    expect(ready).toMatchObject({
      status: 'Ready',
      description: 'deploy v2',
      applicationName: options.application,
      computePlatform: 'ECS',
    });
    expect(ready.startTime).toBeInstanceOf(Date);

    const { targetIds, target } = await ecsTarget(deploymentId);
    expect(targetIds).toEqual([`${options.cluster}:${options.service}`]);
    expect(target.deploymentTargetType).toBe('ECSTarget');
    const ecs = target.ecsTarget!;
    expect(ecs.status).toBe('Ready');
    expect(ecs.targetArn).toBe(`arn:aws:ecs:ap-northeast-2:123456789012:service/${options.cluster}/${options.service}`);
    expect(ecs.lifecycleEvents!.map((e) => [e.lifecycleEventName, e.status])).toEqual([
      ['BeforeInstall', 'Succeeded'],
      ['Install', 'Succeeded'],
      ['AfterInstall', 'Succeeded'],
      ['AllowTestTraffic', 'Succeeded'],
      ['AfterAllowTestTraffic', 'Succeeded'],
      ['BeforeAllowTraffic', 'Pending'],
      ['AllowTraffic', 'Pending'],
      ['AfterAllowTraffic', 'Pending'],
    ]);
    expect(ecs.lifecycleEvents![1]!.endTime!.getTime()).toBeGreaterThanOrEqual(ecs.lifecycleEvents![1]!.startTime!.getTime());
    expect(ecs.taskSetsInfo).toEqual([
      expect.objectContaining({
        taskSetLabel: 'Blue',
        trafficWeight: 100,
        status: 'PRIMARY',
        runningCount: 2,
        targetGroup: { name: `${options.service}-tg-blue` },
      }),
      expect.objectContaining({
        taskSetLabel: 'Green',
        trafficWeight: 0,
        status: 'ACTIVE',
        runningCount: 2,
        targetGroup: { name: `${options.service}-tg-green` },
      }),
    ]);
    expect(ecs.taskSetsInfo![1]!.identifer).toMatch(/^ecs-svc\/\d{19}$/);

    // While Ready the service still runs blue in production and the green task set alongside.
    const during = await serviceOf(options);
    expect(during.taskDefinition).toBe(blueTaskDefinition);
    expect(during.taskSets!.map((t) => [t.status, t.taskDefinition])).toEqual([
      ['PRIMARY', blueTaskDefinition],
      ['ACTIVE', greenTaskDefinition],
    ]);

    await c.codedeploy.send(new ContinueDeploymentCommand({ deploymentId, deploymentWaitType: 'READY_WAIT' }));
    const done = await waitForDeployment(c, deploymentId, ['Succeeded', 'Failed', 'Stopped']);
    expect(done.status).toBe('Succeeded');
    expect(done.completeTime).toBeInstanceOf(Date);

    const after = (await ecsTarget(deploymentId)).target.ecsTarget!;
    expect(after.lifecycleEvents!.every((e) => e.status === 'Succeeded')).toBe(true);
    expect(after.taskSetsInfo!.map((t) => [t.taskSetLabel, t.trafficWeight])).toEqual([
      ['Blue', 0],
      ['Green', 100],
    ]);

    const service = await serviceOf(options);
    expect(service.taskDefinition).toBe(greenTaskDefinition);
    expect(service.taskSets!.map((t) => [t.status, t.taskDefinition])).toEqual([['PRIMARY', greenTaskDefinition]]);
    expect(emulator.state.counters.continueDeploymentCalls.get(deploymentId)).toBe(1);

    const { deploymentGroupInfo } = await c.codedeploy.send(
      new GetDeploymentGroupCommand({ applicationName: options.application, deploymentGroupName: options.deploymentGroup }),
    );
    expect(deploymentGroupInfo!.lastSuccessfulDeployment!.deploymentId).toBe(deploymentId);
  });

  it('ContinueDeployment before Ready is refused with DeploymentIsNotInReadyStateException', async () => {
    const { deploymentId } = await deploy('early');
    const error = await rejectionOf(c.codedeploy.send(new ContinueDeploymentCommand({ deploymentId, deploymentWaitType: 'READY_WAIT' })));
    expect(error).toBeInstanceOf(DeploymentIsNotInReadyStateException);
    await c.codedeploy.send(new StopDeploymentCommand({ deploymentId, autoRollbackEnabled: true }));
  });

  it('StopDeployment with rollback at Ready: Stopped, rollbackInfo set, green removed and the service unchanged', async () => {
    const { deploymentId, blueTaskDefinition, options } = await deploy('v3');
    await waitForDeployment(c, deploymentId, ['Ready']);
    const stop = await c.codedeploy.send(new StopDeploymentCommand({ deploymentId, autoRollbackEnabled: true }));
    expect(stop.status).toBe('Succeeded');

    const stopped = await waitForDeployment(c, deploymentId, ['Stopped']);
    expect(stopped.errorInformation).toEqual({ code: 'MANUAL_STOP', message: 'The deployment was stopped by a user.' });
    expect(stopped.rollbackInfo!.rollbackMessage).toContain(blueTaskDefinition);
    const { target } = await ecsTarget(deploymentId);
    expect(target.ecsTarget!.lifecycleEvents!.slice(5).map((e) => e.status)).toEqual(['Skipped', 'Skipped', 'Skipped']);
    expect(target.ecsTarget!.taskSetsInfo!.map((t) => [t.taskSetLabel, t.trafficWeight])).toEqual([
      ['Blue', 100],
      ['Green', 0],
    ]);

    const service = await serviceOf(options);
    expect(service.taskDefinition).toBe(blueTaskDefinition);
    expect(service.taskSets!.map((t) => t.status)).toEqual(['PRIMARY']);

    const again = await rejectionOf(c.codedeploy.send(new ContinueDeploymentCommand({ deploymentId })));
    expect(again).toBeInstanceOf(DeploymentAlreadyCompletedException);
    expect(emulator.state.counters.stopDeploymentCalls.get(deploymentId)).toBe(1);
  });

  it('a second CreateDeployment while one is in progress gets DeploymentLimitExceededException; a missing task definition InvalidRevisionException', async () => {
    const seeded = seedPanda(emulator);
    const { deploymentId } = await deploy('v4', seeded);
    const error = await rejectionOf(deploy('v5', seeded));
    expect(error).toBeInstanceOf(DeploymentLimitExceededException);
    expect(error.message).toContain(deploymentId);
    expect(emulator.state.counters.deploymentsCreated.get(`${seeded.options.application}/${seeded.options.deploymentGroup}`)).toBe(1);

    await c.codedeploy.send(new StopDeploymentCommand({ deploymentId, autoRollbackEnabled: true }));
    const missing = await rejectionOf(
      c.codedeploy.send(
        new CreateDeploymentCommand({
          applicationName: seeded.options.application,
          deploymentGroupName: seeded.options.deploymentGroup,
          revision: revision(appSpec(`${seeded.options.service}:99`, seeded.options)),
        }),
      ),
    );
    expect(missing).toBeInstanceOf(InvalidRevisionException);
  });

  it('ListDeployments filters by group and status; BatchGetDeployments returns the infos', async () => {
    const seeded = seedPanda(emulator);
    const first = await deploy('list-1', seeded);
    await c.codedeploy.send(new StopDeploymentCommand({ deploymentId: first.deploymentId, autoRollbackEnabled: true }));
    const second = await deploy('list-2', seeded);
    const group = { applicationName: seeded.options.application, deploymentGroupName: seeded.options.deploymentGroup };

    const all = await c.codedeploy.send(new ListDeploymentsCommand(group));
    expect(all.deployments).toEqual([second.deploymentId, first.deploymentId]);
    const active = await c.codedeploy.send(
      new ListDeploymentsCommand({ ...group, includeOnlyStatuses: ['Created', 'Queued', 'InProgress', 'Ready'] }),
    );
    expect(active.deployments).toEqual([second.deploymentId]);
    const stopped = await c.codedeploy.send(new ListDeploymentsCommand({ ...group, includeOnlyStatuses: ['Stopped'] }));
    expect(stopped.deployments).toEqual([first.deploymentId]);

    const { deploymentsInfo } = await c.codedeploy.send(
      new BatchGetDeploymentsCommand({ deploymentIds: [first.deploymentId, second.deploymentId] }),
    );
    expect(deploymentsInfo!.map((d) => d.description)).toEqual(['deploy list-1', 'deploy list-2']);
    await c.codedeploy.send(new StopDeploymentCommand({ deploymentId: second.deploymentId, autoRollbackEnabled: true }));
  });

  it('an AfterAllowTestTraffic hook the AppSpec names is invoked once; the event waits until PutLifecycleEventHookExecutionStatus reports Succeeded', async () => {
    const calls: LifecycleHookEvent[] = [];
    const arn = emulator.state.lambda.register('CodeDeployHook_held', (event) => {
      calls.push(event);
    });
    try {
      const { deploymentId } = await deploy('hooked', seedPanda(emulator), [{ AfterAllowTestTraffic: arn }]);
      await expect.poll(() => calls.length, { timeout: 3_000, interval: 10 }).toBe(1);
      const [event] = calls;
      expect(event!.DeploymentId).toBe(deploymentId);

      // The hook holds the deployment: many steps later it is still InProgress on AfterAllowTestTraffic.
      await new Promise((resolve) => setTimeout(resolve, 200));
      const held = (await ecsTarget(deploymentId)).target.ecsTarget!;
      expect(held.lifecycleEvents!.find((e) => e.lifecycleEventName === 'AfterAllowTestTraffic')!.status).toBe('InProgress');

      const reported = await c.codedeploy.send(
        new PutLifecycleEventHookExecutionStatusCommand({
          deploymentId,
          lifecycleEventHookExecutionId: event!.LifecycleEventHookExecutionId,
          status: 'Succeeded',
        }),
      );
      expect(reported.lifecycleEventHookExecutionId).toBe(event!.LifecycleEventHookExecutionId);
      await waitForDeployment(c, deploymentId, ['Ready']);
      expect(calls).toHaveLength(1);
      expect(emulator.state.counters.hookStatusReports.get(event!.LifecycleEventHookExecutionId)).toBe(1);

      // A repeated report (a retried activity) is refused as AWS refuses it, and counted.
      const repeat = await rejectionOf(
        c.codedeploy.send(
          new PutLifecycleEventHookExecutionStatusCommand({
            deploymentId,
            lifecycleEventHookExecutionId: event!.LifecycleEventHookExecutionId,
            status: 'Succeeded',
          }),
        ),
      );
      expect(repeat).toBeInstanceOf(LifecycleEventAlreadyCompletedException);
      expect(emulator.state.counters.hookStatusReports.get(event!.LifecycleEventHookExecutionId)).toBe(2);
      expect(emulator.state.counters.hookStatusAccepted.get(event!.LifecycleEventHookExecutionId)).toBe(1); // the repeat set nothing
      await c.codedeploy.send(new StopDeploymentCommand({ deploymentId, autoRollbackEnabled: true }));
    } finally {
      emulator.state.lambda.remove('CodeDeployHook_held');
    }
  });

  it('runs only the hooks the AppSpec names: a function that exists but is not named is never invoked', async () => {
    const calls: string[] = [];
    emulator.state.lambda.register('CodeDeployHook_unnamed', () => {
      calls.push('unnamed');
    });
    const named = emulator.state.lambda.register('CodeDeployHook_named', async ({ DeploymentId, LifecycleEventHookExecutionId }) => {
      calls.push('named');
      await c.codedeploy.send(
        new PutLifecycleEventHookExecutionStatusCommand({
          deploymentId: DeploymentId,
          lifecycleEventHookExecutionId: LifecycleEventHookExecutionId,
          status: 'Succeeded',
        }),
      );
    });
    try {
      // No Hooks section: no function runs, every hookable event passes on its own.
      const plain = await deploy('no-hooks');
      await waitForDeployment(c, plain.deploymentId, ['Ready']);
      expect(emulator.state.codedeploy.summary().hookExecutions.filter((h) => h.deploymentId === plain.deploymentId)).toEqual([]);
      await c.codedeploy.send(new StopDeploymentCommand({ deploymentId: plain.deploymentId, autoRollbackEnabled: true }));

      // A hook on BeforeInstall only, named by its plain function name.
      const hooked = await deploy('before-install', seedPanda(emulator), [{ BeforeInstall: 'CodeDeployHook_named' }]);
      await waitForDeployment(c, hooked.deploymentId, ['Ready']);
      expect(calls).toEqual(['named']);
      expect(emulator.state.codedeploy.summary().hookExecutions.filter((h) => h.deploymentId === hooked.deploymentId)).toEqual([
        expect.objectContaining({ lifecycleEventName: 'BeforeInstall', functionName: 'CodeDeployHook_named', status: 'Succeeded' }),
      ]);
      expect(emulator.state.lambda.summary().invocations).toMatchObject({ CodeDeployHook_named: 1 });
      expect(emulator.state.lambda.summary().invocations).not.toHaveProperty('CodeDeployHook_unnamed');
      expect(named).toBe('arn:aws:lambda:ap-northeast-2:123456789012:function:CodeDeployHook_named');
      await c.codedeploy.send(new StopDeploymentCommand({ deploymentId: hooked.deploymentId, autoRollbackEnabled: true }));
    } finally {
      emulator.state.lambda.remove('CodeDeployHook_unnamed');
      emulator.state.lambda.remove('CodeDeployHook_named');
    }
  });

  it('a hook naming a function Lambda does not have fails the deployment with HOOK_EXECUTION_FAILURE', async () => {
    for (const missing of [
      'CodeDeployHook_nobody',
      'arn:aws:lambda:us-east-1:123456789012:function:CodeDeployHook_elsewhere',
      'arn:aws:lambda:ap-northeast-2:210987654321:function:CodeDeployHook_otherAccount',
    ]) {
      const { deploymentId, blueTaskDefinition, options } = await deploy('missing-fn', seedPanda(emulator), [
        { AfterAllowTestTraffic: missing },
      ]);
      const failed = await waitForDeployment(c, deploymentId, ['Failed', 'Succeeded', 'Stopped', 'Ready']);
      expect(failed.status, missing).toBe('Failed');
      expect(failed.errorInformation).toMatchObject({
        code: 'HOOK_EXECUTION_FAILURE',
        message: expect.stringContaining('ResourceNotFoundException'),
      });
      expect((await serviceOf(options)).taskDefinition).toBe(blueTaskDefinition);
    }
  });

  it('refuses an AppSpec whose Hooks name an event an ECS deployment has no hook for, or two functions for one event', async () => {
    const seeded = seedPanda(emulator);
    const taskDefinition = await registerRevision(c, seeded.options, `${seeded.result.repositoryUri}:bad-hooks`);
    for (const hooks of [
      [{ AllowTraffic: 'CodeDeployHook_x' }],
      [{ ApplicationStart: 'CodeDeployHook_x' }],
      [{ AfterAllowTestTraffic: 'a' }, { AfterAllowTestTraffic: 'b' }],
      [{ AfterAllowTestTraffic: 7 }],
    ]) {
      const refused = await rejectionOf(
        c.codedeploy.send(
          new CreateDeploymentCommand({
            applicationName: seeded.options.application,
            deploymentGroupName: seeded.options.deploymentGroup,
            revision: revision(appSpec(taskDefinition, seeded.options, hooks)),
          }),
        ),
      );
      expect(refused, JSON.stringify(hooks)).toBeInstanceOf(InvalidRevisionException);
    }
  });

  it('a hook reporting Failed fails the deployment with HOOK_EXECUTION_FAILURE and rolls back', async () => {
    emulator.state.lambda.register('CodeDeployHook_fails', async ({ DeploymentId, LifecycleEventHookExecutionId }) => {
      await c.codedeploy.send(
        new PutLifecycleEventHookExecutionStatusCommand({
          deploymentId: DeploymentId,
          lifecycleEventHookExecutionId: LifecycleEventHookExecutionId,
          status: 'Failed',
        }),
      );
    });
    try {
      const { deploymentId, blueTaskDefinition, options } = await deploy('hook-fails', seedPanda(emulator), [
        { AfterAllowTestTraffic: 'CodeDeployHook_fails' },
      ]);
      const failed = await waitForDeployment(c, deploymentId, ['Failed', 'Succeeded', 'Stopped', 'Ready']);
      expect(failed.status).toBe('Failed');
      expect(failed.errorInformation!.code).toBe('HOOK_EXECUTION_FAILURE');
      expect(failed.rollbackInfo).toBeDefined();
      expect((await serviceOf(options)).taskDefinition).toBe(blueTaskDefinition);
    } finally {
      emulator.state.lambda.remove('CodeDeployHook_fails');
    }
  });

  it('a YAML AppSpec works as well as JSON', async () => {
    const seeded = seedPanda(emulator);
    const taskDefinition = await registerRevision(c, seeded.options, `${seeded.result.repositoryUri}:yaml`);
    const yaml = [
      'version: 0.0',
      'Resources:',
      '  - TargetService:',
      '      Type: AWS::ECS::Service',
      '      Properties:',
      `        TaskDefinition: "${taskDefinition}"`,
      '        LoadBalancerInfo:',
      '          ContainerName: "app"',
      '          ContainerPort: 8080',
    ].join('\n');
    const { deploymentId } = await c.codedeploy.send(
      new CreateDeploymentCommand({
        applicationName: seeded.options.application,
        deploymentGroupName: seeded.options.deploymentGroup,
        revision: revision(yaml),
      }),
    );
    // Parsed as YAML, the AppSpec's task definition becomes green's: the deployment reaches Ready
    // (a bad AppSpec fails it at once, with its error code, instead of timing out here).
    const ready = await waitForDeployment(c, deploymentId!, ['Ready', 'Failed']);
    expect(ready.status).toBe('Ready');
    expect(ready.errorInformation).toBeUndefined();
    await c.codedeploy.send(new StopDeploymentCommand({ deploymentId, autoRollbackEnabled: true }));
    const stopped = await waitForDeployment(c, deploymentId!, ['Stopped', 'Failed', 'Succeeded']);
    expect(stopped.status).toBe('Stopped');
  });
});

describe('CodeDeploy waits measured in minutes', () => {
  it('a deployment left at Ready past waitTimeInMinutes stops with TIMEOUT and rolls back (STOP_DEPLOYMENT)', async () => {
    const fast = await startEmulator({ minuteMs: 20 });
    try {
      const fc = clients(fast.url);
      const seeded = seedPanda(fast, { waitTimeInMinutes: 5 });
      const taskDefinition = await registerRevision(fc, seeded.options, `${seeded.result.repositoryUri}:never-approved`);
      const { deploymentId } = await fc.codedeploy.send(
        new CreateDeploymentCommand({
          applicationName: seeded.options.application,
          deploymentGroupName: seeded.options.deploymentGroup,
          revision: revision(appSpec(taskDefinition, seeded.options)),
        }),
      );
      await waitForDeployment(fc, deploymentId!, ['Ready']);
      const stopped = await waitForDeployment(fc, deploymentId!, ['Stopped', 'Succeeded']);
      expect(stopped.status).toBe('Stopped');
      expect(stopped.errorInformation!.code).toBe('TIMEOUT');
      expect(stopped.rollbackInfo).toBeDefined();
      expect(fast.state.ecs.findService(seeded.options.cluster, seeded.options.service)!.taskDefinition).toBe(
        seeded.result.taskDefinitionArn,
      );
    } finally {
      await fast.close();
    }
  });

  it("a hook whose function never reports fails the deployment after CodeDeploy's one-hour limit", async () => {
    const fast = await startEmulator({ minuteMs: 20 });
    try {
      const fc = clients(fast.url);
      const seeded = seedPanda(fast);
      let invoked = 0;
      fast.state.lambda.register('CodeDeployHook_silent', () => {
        invoked += 1;
      });
      const taskDefinition = await registerRevision(fc, seeded.options, `${seeded.result.repositoryUri}:unanswered`);
      const { deploymentId } = await fc.codedeploy.send(
        new CreateDeploymentCommand({
          applicationName: seeded.options.application,
          deploymentGroupName: seeded.options.deploymentGroup,
          revision: revision(appSpec(taskDefinition, seeded.options, [{ AfterAllowTestTraffic: 'CodeDeployHook_silent' }])),
        }),
      );
      // 60 "minutes" of 20 ms: well past the ready wait a Ready deployment would reach first.
      const failed = await waitForDeployment(fc, deploymentId!, ['Failed', 'Ready', 'Succeeded', 'Stopped'], 10_000);
      expect(failed.status).toBe('Failed');
      expect(failed.errorInformation).toMatchObject({
        code: 'HOOK_EXECUTION_FAILURE',
        message: expect.stringContaining('did not report a status within 60 minutes'),
      });
      expect(invoked).toBe(1);
      expect(fast.state.codedeploy.summary().hookExecutions).toEqual([
        expect.objectContaining({ status: 'Failed', functionName: 'CodeDeployHook_silent' }),
      ]);
    } finally {
      await fast.close();
    }
  });
});
