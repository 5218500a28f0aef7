// One stage of stages 1–4: recorded as the current stage (state, search attribute, Slack), run
// under min(stage limit, what is left of the total limit).
import { CancellationScope, isCancellation } from '@temporalio/workflow';
import { syncSlack, type DeploymentContext } from '../context.js';
import { DeploymentFailure } from '../failures.js';
import { indexStage } from '../visibility.js';

export async function runStage<T>(ctx: DeploymentContext, n: number, fn: () => Promise<T>): Promise<T> {
  const { limits } = ctx.input;
  ctx.state.stage = n;
  indexStage(ctx.visibility, n, true);
  await syncSlack(ctx);
  const limitMs = Math.max(1, Math.min(limits.stageMs, ctx.deadline - Date.now()));
  const started = Date.now();
  try {
    return await CancellationScope.withTimeout(limitMs, fn);
  } catch (error) {
    // The stage's own limit, not a rollback or a cancellation of the whole workflow.
    if (isCancellation(error) && !ctx.rollbackRequested && Date.now() - started >= limitMs) {
      const durationSeconds = Math.round((Date.now() - started) / 1000);
      const timeoutSeconds = Math.round(limitMs / 1000);
      throw new DeploymentFailure(
        'DEPLOYMENT_TIMEOUT',
        `Deployment timed out at Stage ${n} after ${durationSeconds} seconds (timeout: ${timeoutSeconds} seconds)`,
        n,
        {
          durationSeconds,
          timeoutSeconds,
        },
      );
    }
    throw error;
  }
}
