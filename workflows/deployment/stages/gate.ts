// The gate (stage 5's start): green is ready and probed; the deployment waits for a person's switch
// or rollback, or for the switch timeout, which stops and rolls back (no silent promotion).
import { CancellationScope, condition, isCancellation, setCurrentDetails } from '@temporalio/workflow';
import type { TimeoutPolicy, WatchPolicy } from '../../../domain/approval-policy.js';
import type { DeploymentMilestone } from '../../../domain/deployment-milestones.js';
import { watchActivity } from '../activity-proxies.js';
import { decide, setStatus, stageEvent, supersededDecision, syncSlack, type DeploymentContext } from '../context.js';
import { STAGE_MESSAGES as M } from '../stage-texts.js';
import type { Decision } from '../types.js';
import { cancelledByTemporal } from './endings.js';
import { refreshGateDetails } from '../gate-details.js';

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

/**
 * The decision to act on: a person's, the watch's (a rollback on a breach), the timeout action's,
 * or a cancellation's (a rollback). Never a silent promotion.
 */
export async function awaitDecision(ctx: DeploymentContext, ownWatch = true): Promise<Decision> {
  const { input, policy } = ctx;
  // A rollback deployment goes straight on: the target is known good.
  if (input.rollback)
    ctx.decision = decide('switch', { by: input.requestedBy, via: 'workflow', reason: `rollback of ${input.rollback.of}` });
  // Superseded before it got here: it steps aside at once.
  if (ctx.supersededBy && !ctx.decision) ctx.decision = supersededDecision(ctx.supersededBy);
  const onTimeout = policy.onTimeout ?? { action: 'rollback' as const };
  // A progressive release's pause is watched by the walk's own watch (ownWatch false).
  const watching =
    ownWatch && policy.watch && ctx.decision === undefined
      ? watchHold(ctx, policy.watch, holdLimitMs(input.limits.switchTimeoutMs, onTimeout))
      : undefined;
  refreshGateDetails(ctx);
  try {
    return await decisionOrTimeout(ctx, onTimeout);
  } catch (error) {
    if (isCancellation(error)) return cancelledByTemporal();
    throw error;
  } finally {
    watching?.cancel();
    setCurrentDetails('');
  }
}

/** How long the gate may stay open in all: the switch timeout, plus what the timeout action adds. */
function holdLimitMs(switchTimeoutMs: number, onTimeout: TimeoutPolicy): number {
  if (onTimeout.action === 'extend') return switchTimeoutMs + onTimeout.extendMs;
  if (onTimeout.action === 'escalate') return Math.max(switchTimeoutMs, onTimeout.hardLimitMs);
  return switchTimeoutMs;
}

const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;
const decided = (ctx: DeploymentContext) => () => ctx.decision !== undefined;
const timedOut = (reason: string) => decide('timeout', { by: 'switchyard', via: 'workflow', reason });

async function decisionOrTimeout(ctx: DeploymentContext, onTimeout: TimeoutPolicy): Promise<Decision> {
  const { switchTimeoutMs } = ctx.input.limits;
  if (await condition(decided(ctx), switchTimeoutMs)) return ctx.decision!;
  if (onTimeout.action === 'extend') {
    stageEvent(ctx, `No decision within ${seconds(switchTimeoutMs)}: the gate stays open ${seconds(onTimeout.extendMs)} more, once`, {
      milestone: 'gate_extended' satisfies DeploymentMilestone,
      extendMs: onTimeout.extendMs,
    });
    ctx.gateClosesAt = Date.now() + onTimeout.extendMs;
    refreshGateDetails(ctx);
    if (await condition(decided(ctx), onTimeout.extendMs)) return ctx.decision!;
    return timedOut(`no switch within ${seconds(switchTimeoutMs + onTimeout.extendMs)} (extended once)`);
  }
  if (onTimeout.action === 'escalate') {
    const remainingMs = Math.max(0, onTimeout.hardLimitMs - switchTimeoutMs);
    const hardLimitAt = new Date(Date.now() + remainingMs).toISOString();
    stageEvent(
      ctx,
      `No decision within ${seconds(switchTimeoutMs)}: escalated to Slack group ${onTimeout.slackGroup}; rolls back at ${hardLimitAt}`,
      {
        milestone: 'gate_escalated' satisfies DeploymentMilestone,
        slackGroup: onTimeout.slackGroup,
        hardLimitAt,
      },
    );
    const escalation = await ctx.slack
      .postEscalation({
        deploymentId: ctx.input.deploymentId,
        slackGroup: onTimeout.slackGroup,
        waitedMs: switchTimeoutMs,
        hardLimitAt,
        ...(ctx.slackMessage ? { threadTs: ctx.slackMessage.ts } : {}),
      })
      .catch(() => null);
    // Histories from before the escalation had a ref record none (undefined): nothing to rewrite then.
    if (escalation) ctx.escalation = escalation;
    ctx.gateClosesAt = Date.parse(hardLimitAt);
    refreshGateDetails(ctx);
    if (remainingMs > 0 && (await condition(decided(ctx), remainingMs))) return ctx.decision!;
    return timedOut(
      `no switch within the hard limit of ${seconds(Math.max(switchTimeoutMs, onTimeout.hardLimitMs))}, after escalating to ${onTimeout.slackGroup}`,
    );
  }
  return timedOut(`no switch within ${seconds(switchTimeoutMs)}`);
}

/**
 * Starts the watched hold: one activity for the whole hold, which returns only on a breach. A
 * breach rolls back (reason `analysis: …`, the windows in the event), or in dry run only records
 * the verdict. A watch that fails for good leaves the gate open, unwatched, and says so.
 */
export function watchHold(ctx: DeploymentContext, watch: WatchPolicy, holdMs: number): CancellationScope {
  const { input, state, log } = ctx;
  const scope = new CancellationScope();
  stageEvent(
    ctx,
    `Watching green against blue every ${seconds(watch.intervalMs)}: ${watch.windows} bad window(s) in a row ${watch.dryRun ? 'are recorded (dry run)' : 'roll back'}`,
    {
      milestone: 'watch_started' satisfies DeploymentMilestone,
      watch,
    },
  );
  const watchGreen = watchActivity(holdMs, watch.intervalMs);
  scope
    .run(() => watchGreen({ blueUrl: input.target.blueUrl, greenUrl: input.target.greenUrl, watch }))
    .then(
      (verdict) => {
        state.analysis = { ...verdict, dryRun: watch.dryRun };
        const acting = !watch.dryRun && ctx.decision === undefined;
        log.append(
          'stage',
          watch.dryRun ? `Analysis (dry run): would roll back: ${verdict.reason}` : `Analysis: ${verdict.reason}: rolling back`,
          {
            stage: state.stage,
            milestone: 'analysis_breach' satisfies DeploymentMilestone,
            dryRun: watch.dryRun,
            reason: verdict.reason,
            windows: verdict.windows,
          },
        );
        if (acting) ctx.decision = decide('rollback', { by: 'switchyard', via: 'workflow', reason: `analysis: ${verdict.reason}` });
      },
      (error: unknown) => {
        if (isCancellation(error)) return;
        log.append(
          'stage',
          `The watch of green stopped (${error instanceof Error ? error.message : String(error)}): the gate stays open, unwatched`,
          { stage: state.stage },
        );
      },
    );
  return scope;
}
