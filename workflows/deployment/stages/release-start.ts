// Stage 4 of a progressive release: the engine's deployment (CodeDeploy with the plan's
// deployment configuration, or ECS UpdateService with its deploymentConfiguration), followed until
// green is on test traffic and the engine waits at the gate; then green's health probes, as today.
import { CancellationScope } from '@temporalio/workflow';
import { CodeDeployDeploymentId } from '../../../common/search-attributes.js';
import type { ReleasePlan } from '../../../domain/release-strategy.js';
import { releaseActivities } from '../activity-proxies.js';
import { stageEvent, type DeploymentContext } from '../context.js';
import { DeploymentFailure } from '../failures.js';
import { STAGE_MESSAGES as M } from '../stage-texts.js';
import { index } from '../visibility.js';
import { runStage } from './run-stage.js';

export function releaseStage(ctx: DeploymentContext, plan: ReleasePlan, imageUri: string, taskDefinitionArn: string): Promise<void> {
  const { input, state, acts, aws } = ctx;
  const { target } = input;
  const release = releaseActivities(input.limits, input.limits.stageMs);
  return runStage(ctx, 4, async () => {
    stageEvent(ctx, `[Stage 4] ${plan.engine === 'ECS' ? 'ECS' : 'CodeDeploy'} ${plan.strategy} release started`, {
      image: imageUri || taskDefinitionArn,
      engine: plan.engine,
      strategy: plan.strategy,
      steps: plan.steps,
    });
    // Not cancellable: once the engine has a deployment, its id must be recorded so a rollback can stop it.
    const { releaseId } = await CancellationScope.nonCancellable(() =>
      release.startRelease({
        ...aws,
        plan,
        cluster: target.cluster,
        service: target.service,
        application: target.codeDeployApplication,
        group: target.codeDeployGroup,
        taskDefinitionArn,
        containerName: target.containerName,
        containerPort: target.containerPort,
        deploymentId: input.deploymentId,
        ...(target.hookFunction ? { hookFunction: target.hookFunction } : {}),
        // Input data only: ECS's Lambda hook needs the role that invokes the function.
        ...(target.hookRoleArn ? { hookRoleArn: target.hookRoleArn } : {}),
      }),
    );
    ctx.release = { ...aws, engine: plan.engine, releaseId };
    // The hook route and the endings find a CodeDeploy deployment by this, as for blue/green. An
    // ECS-native release indexes its service deployment ARN (never a CodeDeploy `d-…` id): without
    // it the hook route would take it for a deployment still waiting to record its CodeDeploy id,
    // and answer every unknown hook 503 after a 10 s wait for as long as this release runs.
    if (plan.engine === 'CODE_DEPLOY') state.codeDeployDeploymentId = releaseId;
    index(ctx.visibility, [{ key: CodeDeployDeploymentId, value: releaseId }]);
    stageEvent(ctx, M.blueRunning, { url: target.blueUrl });
    stageEvent(ctx, M.greenStarting, { url: target.greenUrl, releaseId });
    const atGate = await release.awaitRelease({ ...ctx.release, until: 'gate' });
    ctx.releaseAwaiting = atGate.awaiting;
    state.greenUrl = target.greenUrl;
    stageEvent(ctx, M.greenReady, { url: target.greenUrl, lifecycleStage: atGate.status });
    const health = await acts.probeHealth({ blueUrl: target.blueUrl, greenUrl: target.greenUrl });
    state.blue = health.blue;
    state.green = health.green;
    if (!health.greenHealthy) {
      throw new DeploymentFailure(
        'HEALTH_CHECK_FAILED',
        `Green service failed health checks: error rate ${health.green.errorRate} over ${health.green.samples} probes`,
        4,
      );
    }
  });
}
