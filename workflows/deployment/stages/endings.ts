// How a deployment ends other than switched: rolled back (by a person, the switch timeout or a
// cancellation of the workflow) or failed. Both stop whatever CodeDeploy started, so blue keeps
// production traffic.
import { ApplicationFailure, CancellationScope } from '@temporalio/workflow';
import type { DeploymentMilestone } from '../../../domain/deployment-milestones.js';
import { releaseActivities } from '../activity-proxies.js';
import { decide, setStatus, snapshot, syncSlack, type DeploymentContext } from '../context.js';
import { classifyFailure, type DeploymentFailure } from '../failures.js';
import { STAGE_MESSAGES as M } from '../stage-texts.js';
import type { Decision, DeploymentSnapshot } from '../types.js';

const engineOf = (ctx: DeploymentContext) => releaseActivities(ctx.input.limits, ctx.input.limits.callMs);

/** The workflow itself was cancelled (Temporal UI or CLI): stop what runs, as a rollback would. */
export function cancelledByTemporal(): Decision {
  return decide('rollback', { by: 'temporal', via: 'workflow', reason: 'workflow cancelled' });
}

/** Non-cancellable: a cancelled workflow still stops CodeDeploy and records how it ended. */
export function rollBack(ctx: DeploymentContext, d: Decision): Promise<DeploymentSnapshot> {
  return CancellationScope.nonCancellable(() => rollBackNow(ctx, d));
}

async function rollBackNow(ctx: DeploymentContext, d: Decision): Promise<DeploymentSnapshot> {
  const { state, log, acts, aws } = ctx;
  state.decision = d;
  log.append('stage', M.rollingBack, { stage: state.stage, action: d.action, by: d.by, via: d.via, reason: d.reason });
  let stopProblem = '';
  if (state.codeDeployDeploymentId) {
    // A failed stop must not leave the deployment looking alive: it is recorded and the run ends.
    await acts
      .stopCodeDeploy({ ...aws, codeDeployDeploymentId: state.codeDeployDeploymentId, reason: d.reason ?? d.action })
      .catch((error: unknown) => {
        stopProblem = ` (stopping CodeDeploy failed: ${classifyFailure(error, state.stage).message})`;
      });
  } else if (ctx.release) {
    // An ECS-native release (only runs with `input.release`: no recorded history has it).
    await engineOf(ctx)
      .rollBackRelease({ ...ctx.release, reason: d.reason ?? d.action })
      .catch((error: unknown) => {
        stopProblem = ` (rolling ECS back failed: ${classifyFailure(error, state.stage).message})`;
      });
  }
  state.finalService = 'blue';
  state.completedAt = new Date().toISOString();
  state.errorMessage =
    (d.action === 'timeout'
      ? `Switch timed out: ${d.reason}; stopped and rolled back to blue`
      : `Rolled back by ${d.by} (${d.via})${d.reason ? `: ${d.reason}` : ''}`) + stopProblem;
  setStatus(ctx, 'ROLLED_BACK');
  log.append('fail', `Deployment rolled back: ${state.errorMessage}`, {
    status: 'ROLLED_BACK',
    milestone: 'rolled_back' satisfies DeploymentMilestone,
    by: d.by,
    via: d.via,
  });
  log.terminal = true;
  await syncSlack(ctx);
  return snapshot(ctx);
}

export async function fail(ctx: DeploymentContext, failure: DeploymentFailure): Promise<never> {
  const { state, log, acts, aws } = ctx;
  state.errorMessage = failure.message;
  state.errorCode = failure.code;
  state.failedStage = failure.stage;
  if (state.codeDeployDeploymentId) {
    const codeDeployDeploymentId = state.codeDeployDeploymentId;
    await CancellationScope.nonCancellable(() =>
      acts.stopCodeDeploy({ ...aws, codeDeployDeploymentId, reason: failure.code }).catch(() => undefined),
    );
  } else if (ctx.release) {
    const release = ctx.release;
    await CancellationScope.nonCancellable(() =>
      engineOf(ctx)
        .rollBackRelease({ ...release, reason: failure.code })
        .catch(() => undefined),
    );
  }
  state.completedAt = new Date().toISOString();
  setStatus(ctx, 'FAILED');
  log.append('fail', `Deployment failed: ${failure.message}`, { stage: failure.stage, errorCode: failure.code, ...failure.extras });
  log.terminal = true;
  await CancellationScope.nonCancellable(() => syncSlack(ctx));
  // Failed in the Temporal UI, with the final snapshot as the failure's details for the API.
  throw ApplicationFailure.create({
    type: failure.code,
    message: failure.message,
    nonRetryable: true,
    details: [snapshot(ctx), failure.extras],
  });
}
