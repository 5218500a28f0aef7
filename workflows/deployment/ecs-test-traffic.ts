// The ECS-native "waiting for test" notice: ECS's Lambda hook at POST_TEST_TRAFFIC_SHIFT reached
// Switchyard (POST /api/v1/hooks/ecs). The workflow records it and posts the same Slack notice as
// for CodeDeploy's AfterAllowTestTraffic, once per deployment, whatever repeats arrive (ECS
// re-invoking the Lambda, another API replica, a replayed call). The Lambda answers ECS itself.
// Only ECS hook updates run this, and no recorded history has one: no patch marker is needed.
import { ApplicationFailure, setHandler } from '@temporalio/workflow';
import type { DeploymentContext } from './context.js';
import { ecsTestTrafficHookUpdate, type EcsTestTrafficHook } from './hook-messages.js';

const RECORDED = 'ecs-test-traffic';

export function registerEcsTestTrafficHook(ctx: DeploymentContext): void {
  setHandler(
    ecsTestTrafficHookUpdate,
    async (hook) => {
      if (ctx.seenProgress.has(RECORDED)) return { alreadyRecorded: true };
      ctx.seenProgress.add(RECORDED);
      await recordAndNotify(ctx, hook);
      return { alreadyRecorded: false };
    },
    {
      // Only the service deployment this workflow started: a hook for any other one (another
      // service's, an earlier release's, a forged ARN) changes nothing here.
      validator: ({ serviceDeploymentArn }) => {
        const release = ctx.release;
        if (release?.engine !== 'ECS' || release.releaseId !== serviceDeploymentArn) {
          const follows = release?.engine === 'ECS' ? `ECS service deployment ${release.releaseId}` : 'no ECS service deployment';
          throw ApplicationFailure.nonRetryable(
            `${ctx.input.deploymentId} follows ${follows}, not ${serviceDeploymentArn}`,
            'NotThisDeployment',
          );
        }
      },
    },
  );
}

async function recordAndNotify(ctx: DeploymentContext, hook: EcsTestTrafficHook): Promise<void> {
  const { log, input, state, slack } = ctx;
  state.testTrafficSince ??= new Date().toISOString();
  log.append('stage', 'ECS deployment: waiting for test', {
    stage: 4,
    serviceDeploymentArn: hook.serviceDeploymentArn,
    hookExecutionId: hook.hookExecutionId,
    testUrl: input.target.greenUrl,
  });
  // A courtesy, as on CodeDeploy: a Slack failure must not fail the hook.
  const notice = await slack
    .postTestTrafficNotice({
      deploymentId: input.deploymentId,
      codeDeployDeploymentId: hook.serviceDeploymentArn,
      testUrl: input.target.greenUrl,
      engine: 'ECS',
    })
    .catch(() => null);
  if (notice) ctx.testNotice = { ...notice, codeDeployDeploymentId: hook.serviceDeploymentArn, engine: 'ECS' };
}
