// Admission of a release strategy, on the sandbox (real app, real admission workflow, the AWS
// emulator through the real SDK clients): the service's own deploymentController picks the engine,
// a CodeDeploy group must exist and target the service, and a strategy the engine cannot run is a
// 400 naming the rule, before anything is built (no build run, task definition or CodeDeploy
// deployment in the emulators, no workflow). Today's blue/green input carries no `release`.
import { beforeAll, describe, expect, it } from 'vitest';
import { approvalPolicies } from '../common/config/approval-policies.js';
import type { DeploymentInput } from '../domain/deployment.js';
import type { ReleaseStrategy } from '../domain/release-strategy.js';
import { seedEcsNativeService } from '../emulators/aws/seed-ecs-native.js';
import { SANDBOX_SERVICE } from '../emulators/sandbox.js';
import { sandboxApiServices } from '../emulators/wiring/services.js';
import { readStartInput } from '../api/temporal-reads.js';
import { buildTestApp } from './support/api.js';
import { client } from './support/deploy-flow.js';
import { sideEffects, untilQuiet } from './support/side-effects.js';
import { sandboxSuite } from './support/sandbox-suite.js';

describe('release strategies at admission', () => {
  const suite = sandboxSuite('release-admission');
  /** An ECS-native service of this file's own: its admission workflow is named after it namespace-wide. */
  const nativeService = `native-${suite.taskQueue}`;
  /** The same installation with a policy giving every service approval steps. */
  let stepped: ReturnType<typeof client>;
  /** The same installation whose API cannot reach AWS (nothing listens on its endpoint). */
  let blind: ReturnType<typeof client>;
  let connection: { githubConnectionId: string; awsConnectionId: string };
  const approvalSteps: ReleaseStrategy = { type: 'steps', steps: [{ weight: 10, pause: { approvals: 1 } }, { weight: 100 }] };

  beforeAll(async () => {
    const services = sandboxApiServices(suite.worker.config, suite.worker.sandbox);
    const policies = approvalPolicies({ default: { strategy: approvalSteps } });
    stepped = client(
      buildTestApp(
        suite.client,
        suite.taskQueue,
        { deploy: { ...services.deploy, defaults: { ...services.deploy.defaults, approvalPolicies: policies } } },
        suite.worker,
      ),
    );
    blind = client(
      buildTestApp(suite.client, suite.taskQueue, { deploy: { ...services.deploy, awsEndpoint: 'http://127.0.0.1:1' } }, suite.worker),
    );
    connection = await suite.api.connect();
    const { aws, target } = suite.worker.sandbox;
    seedEcsNativeService(aws.state, {
      cluster: target.cluster,
      service: nativeService,
      containerName: target.containerName,
      containerPort: target.containerPort,
      image: 'nginx:1',
    });
    // A second CodeDeploy-controlled service that the sandbox's deployment group does not deploy.
    const family = aws.state.ecs.registerTaskDefinition({
      family: 'other-shop',
      containerDefinitions: [{ name: 'app', image: 'nginx:1', essential: true }],
    });
    aws.state.ecs.createService({
      cluster: target.cluster,
      serviceName: 'other-shop',
      taskDefinition: family.arn,
      desiredCount: 1,
      deploymentController: { type: 'CODE_DEPLOY' },
    });
  });

  const workflows = async () =>
    (await suite.client.workflow.count(`TaskQueue = '${suite.taskQueue}' AND WorkflowType = 'deploymentWorkflow'`)).count;

  /** Expects a 400 naming `rule`, and nothing set in motion. */
  async function expectRefused(deploy: () => ReturnType<ReturnType<typeof client>['deploy']>, rule: string) {
    const before = sideEffects(suite.worker.sandbox);
    const started = await workflows();
    const answer = await deploy();
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      status: 400,
      error: 'Deployment Error',
      rule,
      message: expect.stringContaining(`Release refused (${rule})`),
    });
    expect(sideEffects(suite.worker.sandbox)).toEqual(before);
    expect(await workflows()).toBe(started);
    return answer;
  }

  it('refuses approval steps on a CodeDeploy service, from the request or from the policy', async () => {
    const fromRequest = await expectRefused(
      () => suite.api.deploy(connection, { target: { strategy: approvalSteps } }),
      'codedeploy-no-approval-steps',
    );
    expect(fromRequest.body.message).toMatch(/cannot pause for an approval between steps/);
    await expectRefused(() => stepped.deploy(connection), 'codedeploy-no-approval-steps');
    await expectRefused(
      () =>
        suite.api.deploy(connection, {
          target: {
            strategy: {
              type: 'steps',
              steps: [{ weight: 10, pause: { minutes: 5 } }, { weight: 50, pause: { minutes: 5 } }, { weight: 100 }],
            },
          },
        }),
      'codedeploy-steps-shape',
    );
  });

  it('refuses a service or a group that does not match the request', async () => {
    await expectRefused(() => suite.api.deploy(connection, { target: { service: 'ghost-shop' } }), 'service-not-found');
    await expectRefused(
      () =>
        suite.api.deploy(connection, { target: { cluster: 'ghost-cluster', strategy: { type: 'canary', percent: 10, bakeMinutes: 5 } } }),
      'service-not-found',
    );
    await expectRefused(() => suite.api.deploy(connection, { target: { codeDeployGroup: 'no-such-group' } }), 'codedeploy-group-not-found');
    const mismatch = await expectRefused(
      () => suite.api.deploy(connection, { target: { service: 'other-shop' } }),
      'codedeploy-group-mismatch',
    );
    expect(mismatch.body.message).toContain(
      `deploys ${SANDBOX_SERVICE.cluster}/${suite.worker.sandbox.target.service}, not ${SANDBOX_SERVICE.cluster}/other-shop`,
    );
  });

  it('refuses on an ECS-native service what ECS cannot run', async () => {
    await expectRefused(
      () =>
        suite.api.deploy(connection, {
          target: {
            service: nativeService,
            strategy: { type: 'steps', steps: [{ weight: 1, pause: { minutes: 1 } }, { weight: 50 }, { weight: 100 }] },
          },
        }),
      'ecs-linear-step-too-small',
    );
  });

  it('answers a malformed strategy with a 400 from the schema', async () => {
    const before = sideEffects(suite.worker.sandbox);
    const answer = await suite.api.deploy(connection, {
      target: { strategy: { type: 'steps', steps: [{ weight: 50 }, { weight: 20 }, { weight: 100 }] } },
    });
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body)).toContain('step weights must increase');
    expect(sideEffects(suite.worker.sandbox)).toEqual(before);
  });

  it('admits blue/green as today when AWS cannot be read, and starts nothing for another strategy', async () => {
    const before = sideEffects(suite.worker.sandbox);
    const started = await workflows();
    const canary = await blind.deploy(connection, { target: { strategy: { type: 'canary', percent: 10, bakeMinutes: 5 } } });
    expect(canary).toMatchObject({ status: 503, body: { status: 503, message: expect.stringContaining('nothing was started') } });
    expect(sideEffects(suite.worker.sandbox)).toEqual(before);
    expect(await workflows()).toBe(started);
    const seedShaped = await blind.deploy(connection);
    expect(seedShaped.status).toBe(200);
    await suite.client.workflow.getHandle(seedShaped.body.data.deploymentId).terminate('test done');
  });

  it('puts the plan in the input for the ECS engine, and none for blue/green on CodeDeploy', async () => {
    const native = await suite.api.deploy(connection, { target: { service: nativeService, strategy: approvalSteps } });
    expect(native.status).toBe(200);
    const nativeInput = await readStartInput<DeploymentInput>(suite.client, native.body.data.deploymentId);
    expect(nativeInput?.release).toEqual({
      strategy: 'steps',
      engine: 'ECS',
      steps: [{ weight: 10, pause: { approvals: 1 } }, { weight: 100 }],
      engineConfig: {
        kind: 'ecs',
        strategy: 'CANARY',
        canary: { canaryPercent: 10, canaryBakeTimeInMinutes: 0 },
        pauseStages: ['POST_TEST_TRAFFIC_SHIFT', 'PRE_PRODUCTION_TRAFFIC_SHIFT'],
      },
    });
    expect(nativeInput?.target).not.toHaveProperty('strategy');

    const seedShaped = await suite.api.deploy(connection);
    expect(seedShaped.status).toBe(200);
    const input = await readStartInput<DeploymentInput>(suite.client, seedShaped.body.data.deploymentId);
    expect(input).toBeDefined();
    expect(input).not.toHaveProperty('release');
    for (const id of [native.body.data.deploymentId, seedShaped.body.data.deploymentId]) {
      await suite.client.workflow
        .getHandle(id)
        .terminate('test done')
        .catch(() => undefined);
    }
  });

  // Last: the two it admits are terminated, but their first activities may still land afterwards.
  it("refuses an ECS-native target whose hook Lambda ECS would refuse (not an ARN, no role); CodeDeploy's AppSpec keeps a name", async () => {
    // The deployments the previous case terminated may still dispatch a build: let them land first.
    await untilQuiet(suite.worker.sandbox);
    const services = sandboxApiServices(suite.worker.config, suite.worker.sandbox);
    const withHook = (hook: { hookFunction?: string; hookRoleArn?: string }) =>
      client(
        buildTestApp(
          suite.client,
          suite.taskQueue,
          {
            deploy: {
              ...services.deploy,
              defaults: { ...services.deploy.defaults, target: { ...services.deploy.defaults.target, ...hook } },
            },
          },
          suite.worker,
        ),
      );
    const arn = 'arn:aws:lambda:ap-northeast-2:123456789012:function:CodeDeployHook_switchyard';
    const role = 'arn:aws:iam::123456789012:role/ecsLambdaHookRole';
    const byName = await expectRefused(
      () =>
        withHook({ hookFunction: 'CodeDeployHook_switchyard', hookRoleArn: role }).deploy(connection, {
          target: { service: nativeService },
        }),
      'ecs-hook-function-not-arn',
    );
    expect(byName.body.message).toContain('function ARN');
    const roleless = await expectRefused(
      () => withHook({ hookFunction: arn }).deploy(connection, { target: { service: nativeService } }),
      'ecs-hook-role-missing',
    );
    expect(roleless.body.message).toContain('DEPLOY_HOOK_ROLE_ARN');
    // A role that is not an IAM role ARN is the schema's 400, before any AWS call.
    const before = sideEffects(suite.worker.sandbox);
    const badRole = await withHook({ hookFunction: arn }).deploy(connection, {
      target: { service: nativeService, hookRoleArn: 'arn:aws:iam::123456789012:user/someone' },
    });
    expect(badRole.status).toBe(400);
    expect(JSON.stringify(badRole.body)).toContain('must be an IAM role ARN');
    expect(sideEffects(suite.worker.sandbox)).toEqual(before);

    // The request's role completes the configured ARN; a CodeDeploy service keeps the function's name.
    const native = await withHook({ hookFunction: arn }).deploy(connection, { target: { service: nativeService, hookRoleArn: role } });
    expect(native.status, JSON.stringify(native.body)).toBe(200);
    const nativeInput = await readStartInput<DeploymentInput>(suite.client, native.body.data.deploymentId);
    expect(nativeInput?.target).toMatchObject({ hookFunction: arn, hookRoleArn: role });
    const codeDeploy = await withHook({ hookFunction: 'CodeDeployHook_switchyard' }).deploy(connection);
    expect(codeDeploy.status).toBe(200);
    for (const id of [native.body.data.deploymentId, codeDeploy.body.data.deploymentId]) {
      await suite.client.workflow
        .getHandle(id)
        .terminate('test done')
        .catch(() => undefined);
    }
  });
});
