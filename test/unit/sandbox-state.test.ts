// The sandbox keeps its emulators' state in a folder: a second start on the same folder listens on
// the same ports and finds a CodeDeploy deployment where the first left it (waiting at Ready, or
// in a hook whose function is registered again), with the Slack messages, and carries on.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ContinueDeploymentCommand,
  CreateDeploymentCommand,
  PutLifecycleEventHookExecutionStatusCommand,
} from '@aws-sdk/client-codedeploy';
import { DescribeServicesCommand } from '@aws-sdk/client-ecs';
import { afterAll, describe, expect, it } from 'vitest';
import type { AwsSeedOptions } from '../../emulators/aws/seed.js';
import { SANDBOX_CREDENTIALS, SANDBOX_SERVICE, SANDBOX_SLACK, startSandbox, type Sandbox } from '../../emulators/sandbox.js';
import { appSpec, clients, registerRevision, revision, waitForDeployment } from './aws-emulator/support.js';

const seedOptions: AwsSeedOptions = {
  cluster: SANDBOX_SERVICE.cluster,
  service: 'state-service',
  containerName: SANDBOX_SERVICE.containerName,
  containerPort: SANDBOX_SERVICE.containerPort,
  application: SANDBOX_SERVICE.application,
  deploymentGroup: SANDBOX_SERVICE.deploymentGroup,
  repository: SANDBOX_SERVICE.repository,
};
const HOOK = 'CodeDeployHook_stateTest';

describe('sandbox state across restarts', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'switchyard-sandbox-state-'));
  const open: Sandbox[] = [];
  afterAll(async () => {
    await Promise.all(open.map((s) => s.close()));
    rmSync(stateDir, { recursive: true, force: true });
  });
  const start = async () => {
    const sandbox = await startSandbox({ stepMs: 20, serviceName: 'state-service', stateDir, hookFunction: HOOK });
    open.push(sandbox);
    return sandbox;
  };
  const sdk = (sandbox: Sandbox) => clients(sandbox.awsEndpoint, SANDBOX_CREDENTIALS.awsAccessKeyId);

  const restart = async (sandbox: Sandbox) => {
    const urls = [sandbox.awsEndpoint, sandbox.githubApiUrl, sandbox.slack.url, sandbox.channels.url];
    await sandbox.close();
    open.splice(open.indexOf(sandbox), 1);
    const next = await start();
    expect([next.awsEndpoint, next.githubApiUrl, next.slack.url, next.channels.url], 'the same ports').toEqual(urls);
    return next;
  };
  const create = (c: ReturnType<typeof sdk>, taskDefinition: string, hooks?: Record<string, unknown>[]) =>
    c.codedeploy
      .send(
        new CreateDeploymentCommand({
          applicationName: seedOptions.application,
          deploymentGroupName: seedOptions.deploymentGroup,
          revision: revision(appSpec(taskDefinition, seedOptions, hooks)),
        }),
      )
      .then((r) => r.deploymentId!);

  it('a deployment waiting at Ready, one in its hook, and the Slack messages survive restarts on the same ports', async () => {
    const first = await start();
    const c = sdk(first);
    const image = `${first.aws.state.ecr.repositories.get(SANDBOX_SERVICE.repository)!.uri}:v2`;
    const green = await registerRevision(c, seedOptions, image);
    const atReady = await create(c, green);
    await waitForDeployment(c, atReady, ['Ready']);
    const posted = first.slack.state.post(SANDBOX_SLACK.channelId, {
      text: 'deployment message',
      blocks: undefined,
      attachments: undefined,
    });

    // Restart while it waits at the gate: it is still Ready, and the switch goes through.
    const second = await restart(first);
    const c2 = sdk(second);
    expect((await waitForDeployment(c2, atReady, ['Ready', 'Succeeded', 'Failed', 'Stopped'])).status).toBe('Ready');
    expect(second.slack.state.find(SANDBOX_SLACK.channelId, posted.ts)?.text).toBe('deployment message');
    await c2.codedeploy.send(new ContinueDeploymentCommand({ deploymentId: atReady, deploymentWaitType: 'READY_WAIT' }));
    await waitForDeployment(c2, atReady, ['Succeeded']);

    // A deployment in its hook: the function is invoked but never reports before the restart.
    let invokedBefore = 0;
    second.aws.state.lambda.register(HOOK, () => {
      invokedBefore += 1;
    });
    const green2 = await registerRevision(c2, seedOptions, image.replace(':v2', ':v3'));
    const inHook = await create(c2, green2, [{ AfterAllowTestTraffic: HOOK }]);
    await expect.poll(() => invokedBefore, { timeout: 5_000 }).toBe(1);

    // Its invocation died with the process: it is retried once the function is registered again.
    const third = await restart(second);
    const c3 = sdk(third);
    expect(third.aws.state.counters.deploymentsCreated.get(`${seedOptions.application}/${seedOptions.deploymentGroup}`)).toBe(2);
    const events: string[] = [];
    third.aws.state.lambda.register(HOOK, async ({ DeploymentId, LifecycleEventHookExecutionId }) => {
      events.push(LifecycleEventHookExecutionId);
      await c3.codedeploy.send(
        new PutLifecycleEventHookExecutionStatusCommand({
          deploymentId: DeploymentId,
          lifecycleEventHookExecutionId: LifecycleEventHookExecutionId,
          status: 'Succeeded',
        }),
      );
    });
    await waitForDeployment(c3, inHook, ['Ready']);
    expect(events).toHaveLength(1);
    await c3.codedeploy.send(new ContinueDeploymentCommand({ deploymentId: inHook, deploymentWaitType: 'READY_WAIT' }));
    await waitForDeployment(c3, inHook, ['Succeeded']);
    const { services } = await c3.ecs.send(new DescribeServicesCommand({ cluster: seedOptions.cluster, services: [seedOptions.service] }));
    expect(services![0]!.taskDefinition).toBe(green2);
  });
});
