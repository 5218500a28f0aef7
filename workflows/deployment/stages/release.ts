// Stages 3 and 4: the task definition green will run, then CodeDeploy's blue/green deployment
// until green is Ready and passes its health probes.
import { CancellationScope } from '@temporalio/workflow';
import { CodeDeployDeploymentId } from '../../../common/search-attributes.js';
import { stageEvent, type DeploymentContext } from '../context.js';
import { DeploymentFailure } from '../failures.js';
import { STAGE_MESSAGES as M } from '../stage-texts.js';
import { runStage } from './run-stage.js';
import { index } from '../visibility.js';
import { appendProgress } from '../progress-log.js';

/** Registers green's task definition (a rollback deployment reuses the known-good one); returns its ARN. */
export function taskDefinitionStage(ctx: DeploymentContext, imageUri: string): Promise<string> {
  const { input, state, acts, aws } = ctx;
  const { target } = input;
  return runStage(ctx, 3, async () => {
    if (input.rollback) {
      const { of: rollbackOf, taskDefinitionArn, via, reason, duringFreeze } = input.rollback;
      // Who undid what, how and why, and past which freeze: the audit of a rollback.
      stageEvent(ctx, M.ecsStart, {
        taskDefinition: taskDefinitionArn,
        rollbackOf,
        requestedBy: input.requestedBy,
        ...(via ? { via } : {}),
        ...(reason ? { reason } : {}),
        ...(duringFreeze ? { duringFreeze } : {}),
      });
      const current = await acts.describeServiceTaskDefinition({ ...aws, cluster: target.cluster, service: target.service });
      state.previousTaskDefinitionArn = current.taskDefinitionArn;
      return input.rollback.taskDefinitionArn;
    }
    stageEvent(ctx, M.ecsStart, { image: imageUri });
    const registered = await acts.registerTaskDefinition({
      ...aws,
      cluster: target.cluster,
      service: target.service,
      containerName: target.containerName,
      containerPort: target.containerPort,
      imageUri,
      deploymentId: input.deploymentId,
    });
    state.previousTaskDefinitionArn = registered.previousTaskDefinitionArn;
    stageEvent(ctx, registered.serviceCreated ? M.serviceCreated : M.serviceUpdated, {
      serviceName: target.service,
      clusterName: target.cluster,
      taskDefinitionArn: registered.taskDefinitionArn,
    });
    return registered.taskDefinitionArn;
  });
}

export function codeDeployStage(ctx: DeploymentContext, imageUri: string, taskDefinitionArn: string): Promise<void> {
  const { input, state, acts, aws, workflowId } = ctx;
  const { target } = input;
  return runStage(ctx, 4, async () => {
    stageEvent(ctx, M.codeDeployStart, { image: imageUri || taskDefinitionArn });
    // Not cancellable: once CodeDeploy has a deployment, its id must be recorded so a rollback or
    // a failure can stop it.
    const { codeDeployDeploymentId } = await CancellationScope.nonCancellable(() =>
      acts.startCodeDeploy({
        ...aws,
        application: target.codeDeployApplication,
        group: target.codeDeployGroup,
        taskDefinitionArn,
        containerName: target.containerName,
        containerPort: target.containerPort,
        deploymentId: input.deploymentId,
        // Only an activity input: histories without it replay unchanged.
        ...(target.hookFunction ? { hookFunction: target.hookFunction } : {}),
      }),
    );
    state.codeDeployDeploymentId = codeDeployDeploymentId;
    // At once: the hook route finds the workflow by it.
    index(ctx.visibility, [{ key: CodeDeployDeploymentId, value: codeDeployDeploymentId }]);
    stageEvent(ctx, M.blueRunning, { url: target.blueUrl });
    stageEvent(ctx, M.greenStarting, { url: target.greenUrl });
    const ready = await acts.awaitCodeDeploy({ ...aws, codeDeployDeploymentId, until: 'Ready', workflowId, stage: 4 });
    appendProgress(ctx, ready.progress);
    // Recorded in the activity's result (absent from older histories): replay-safe.
    if (ready.blueServiceArn) state.blueServiceArn = ready.blueServiceArn;
    if (ready.greenServiceArn) state.greenServiceArn = ready.greenServiceArn;
    state.greenUrl = target.greenUrl;
    stageEvent(ctx, M.greenReady, { url: target.greenUrl });
    const health = await acts.probeHealth({ blueUrl: target.blueUrl, greenUrl: target.greenUrl });
    state.blue = health.blue;
    state.green = health.green;
    if (!health.greenHealthy) {
      throw new DeploymentFailure(
        'HEALTH_CHECK_FAILED',
        `Green service failed health checks: error rate ${health.green.errorRate} over ${health.green.samples} probes${problemsText(health.green)}`,
        4,
      );
    }
  });
}

/** The probes' own words, when they gave any (figures recorded before they did have none). */
function problemsText(figures: { problems?: string[] }): string {
  return figures.problems?.length ? ` (${figures.problems.join('; ')})` : '';
}
