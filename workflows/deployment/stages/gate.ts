// The gate (stage 5's start): green is ready and probed; the deployment waits for a person's switch
// or rollback, or for the switch timeout, which stops and rolls back (no silent promotion).
import { condition, isCancellation } from '@temporalio/workflow';
import type { DeploymentMilestone } from '../../../domain/deployment-milestones.js';
import { decide, setStatus, syncSlack, type DeploymentContext } from '../context.js';
import { STAGE_MESSAGES as M } from '../stage-messages.js';
import type { Decision } from '../types.js';
import { cancelledByTemporal } from './endings.js';

export async function markReady(ctx: DeploymentContext): Promise<void> {
  const { input, state } = ctx;
  state.completedAt = new Date().toISOString();
  // Without a hook the gate's opening is the best known start of green's test traffic.
  state.testTrafficSince ??= state.completedAt;
  setStatus(ctx, 'DEPLOYMENT_READY');
  ctx.log.append('stage', M.waitingForSwitch, {
    stage: 4,
    milestone: 'awaiting_decision' satisfies DeploymentMilestone,
    blueServiceArn: state.blueServiceArn ?? null,
    greenServiceArn: state.greenServiceArn ?? null,
    blueUrl: input.target.blueUrl,
    greenUrl: input.target.greenUrl,
    taskDefinitionArn: state.taskDefinitionArn,
    previousTaskDefinitionArn: state.previousTaskDefinitionArn,
    codeDeployDeploymentId: state.codeDeployDeploymentId,
    message: M.switchHint.replace('{deploymentId}', input.deploymentId),
  });
  await syncSlack(ctx);
}

/** The decision to act on: a person's, the switch timeout's, or a cancellation's (a rollback). */
export async function awaitDecision(ctx: DeploymentContext): Promise<Decision> {
  const { input } = ctx;
  const { switchTimeoutMs } = input.limits;
  // A rollback deployment goes straight on: the target is known good.
  if (input.rollback) ctx.decision = decide('switch', { by: input.requestedBy, via: 'workflow', reason: `rollback of ${input.rollback.of}` });
  let decided: boolean;
  try {
    decided = await condition(() => ctx.decision !== undefined, switchTimeoutMs);
  } catch (error) {
    if (isCancellation(error)) return cancelledByTemporal();
    throw error;
  }
  if (!decided) return decide('timeout', { by: 'switchyard', via: 'workflow', reason: `no switch within ${Math.round(switchTimeoutMs / 1000)} s` });
  return ctx.decision!;
}
