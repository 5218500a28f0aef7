// Stage 5 of a progressive release, after the gate's approval: the plan's steps in order. Each
// step lets the engine shift production to its weight (answering the engine's pauses on the way),
// records a `step` milestone, then holds as the step says: for approvals (the gate's rules, the
// gate's update: "POST /switch approves the current pause"), for minutes (Switchyard's timer when
// it holds the steps itself, else the engine's own bake), all the while watched by one watch for
// the whole walk. A breach or a person's rollback at any step rolls back.
import { sleep } from '@temporalio/workflow';
import type { DeploymentMilestone } from '../../../domain/deployment-milestones.js';
import type { ReleasePlan, ReleaseStep } from '../../../domain/release-strategy.js';
import type { StepReport } from '../../../activities/slack/step-report.js';
import { releaseActivities } from '../activity-proxies.js';
import { setStatus, snapshot, syncSlack, type DeploymentContext } from '../context.js';
import { classifyFailure } from '../failures.js';
import { refreshGateDetails } from '../gate-details.js';
import { heldBySwitchyard } from '../progressive.js';
import { STAGE_MESSAGES as M } from '../stage-texts.js';
import { keepStepReport, stepReportRequest } from '../step-report.js';
import type { Decision, DeploymentSnapshot } from '../types.js';
import { indexStage } from '../visibility.js';
import { fail, rollBack } from './endings.js';
import { awaitDecision, watchHold } from './gate.js';
import { watched } from './watched.js';

/** The longest the walk may take: every bake, every approval pause at its timeout, and a stage's time besides. */
export function walkLimitMs(plan: ReleasePlan, limits: { stageMs: number; switchTimeoutMs: number }): number {
  const bakes = plan.steps.reduce((ms, s) => ms + (s.pause && 'minutes' in s.pause ? s.pause.minutes * 60_000 : 0), 0);
  const pauses = plan.steps.filter((s) => s.pause && 'approvals' in s.pause).length;
  return bakes + pauses * limits.switchTimeoutMs + limits.stageMs;
}

export async function walkRelease(ctx: DeploymentContext, plan: ReleasePlan, gate: Decision): Promise<DeploymentSnapshot> {
  const { input, state, log } = ctx;
  state.decision = gate;
  state.stage = 5;
  indexStage(ctx.visibility, 5, false);
  setStatus(ctx, 'SWITCHING');
  // The gate's switch is acted on: from here a decision is a step's approval or a rollback.
  ctx.decision = undefined;
  log.append('stage', M.switching, { stage: 5, by: gate.by, via: gate.via, strategy: plan.strategy, steps: plan.steps.length });
  await syncSlack(ctx);
  const limitMs = walkLimitMs(plan, input.limits);
  const watch = ctx.policy.watch ? watchHold(ctx, ctx.policy.watch, limitMs) : undefined;
  try {
    return await walkSteps(ctx, plan, limitMs);
  } catch (error) {
    state.bakeEndsAt = undefined;
    return await fail(ctx, classifyFailure(error, 5));
  } finally {
    watch?.cancel();
  }
}

async function walkSteps(ctx: DeploymentContext, plan: ReleasePlan, limitMs: number): Promise<DeploymentSnapshot> {
  const { state, log } = ctx;
  const engine = releaseActivities(ctx.input.limits, limitMs);
  const ref = ctx.release!;
  const last = plan.steps.length - 1;
  for (const [i, step] of plan.steps.entries()) {
    // Shift to the step's weight, answering each pause the engine waits at on the way (the
    // gate's, and ECS's before every production shift when Switchyard holds the steps). The
    // wait that reaches the weight tells Slack of the step.
    const report = stepReportRequest(ctx, step, i + 1, i === last);
    let reported: StepReport | undefined;
    let answered: string | undefined;
    for (;;) {
      const awaiting = ctx.releaseAwaiting;
      if (awaiting) {
        await engine.continueRelease({ ...ref, awaiting });
        answered = awaiting;
        ctx.releaseAwaiting = undefined;
      }
      const moved = await watched(ctx, () => engine.awaitRelease({ ...ref, until: step.weight, ...(report ? { report } : {}) }));
      if ('stop' in moved) return await stop(ctx, moved.stop);
      state.trafficWeight = moved.value.weight;
      reported = moved.value.report;
      if (moved.value.weight >= step.weight || moved.value.done) break;
      // The engine still shows the pause just answered (a stale read): look again, answer nothing twice.
      ctx.releaseAwaiting = moved.value.awaiting === answered ? undefined : moved.value.awaiting;
    }
    state.currentStep = i + 1;
    log.append('stage', `[Stage 5] Step ${i + 1}/${plan.steps.length}: green serves ${state.trafficWeight} % of production traffic`, {
      stage: 5,
      milestone: 'step' satisfies DeploymentMilestone,
      step: i + 1,
      steps: plan.steps.length,
      weight: state.trafficWeight,
      ...(step.pause ? { pause: step.pause } : {}),
      // The bake's end, and green against blue from the watch's window: SSE and the WebSocket carry them.
      ...keepStepReport(ctx, step, i === last, reported),
    });
    if (i === last) break;
    const stopped = await hold(ctx, plan, step, i + 1);
    if (stopped) return await stop(ctx, stopped);
  }
  return await complete(ctx);
}

/** A rollback from a step: no bake runs any more (the final message and result must not show one). */
function stop(ctx: DeploymentContext, decision: Decision): Promise<DeploymentSnapshot> {
  ctx.state.bakeEndsAt = undefined;
  return rollBack(ctx, decision);
}

/** The step's pause; the rollback that ended it early, if any. */
async function hold(ctx: DeploymentContext, plan: ReleasePlan, step: ReleaseStep, n: number): Promise<Decision | undefined> {
  const pause = step.pause;
  if (!pause) return undefined;
  if ('approvals' in pause) return await approvalPause(ctx, pause.approvals, n);
  // Engine-timed steps (CodeDeploy's configs, ECS canary/linear) bake inside the next wait, which is watched.
  if (!heldBySwitchyard(plan)) return undefined;
  const baked = await watched(ctx, () => sleep(pause.minutes * 60_000));
  return 'stop' in baked ? baked.stop : undefined;
}

/**
 * A pause for people: the gate again (same update, same rules: who, how many, no
 * self-approval, freezes), counting the step's approvals afresh.
 */
async function approvalPause(ctx: DeploymentContext, approvals: number, n: number): Promise<Decision | undefined> {
  const { state, log, input } = ctx;
  const base = ctx.policy;
  ctx.policy = { ...base, approvals };
  state.approvals = [];
  state.approvalsRequired = approvals;
  ctx.gateClosesAt = Date.now() + input.limits.switchTimeoutMs;
  setStatus(ctx, 'DEPLOYMENT_READY');
  log.append(
    'stage',
    `[Stage 5] Step ${n}: holding at ${state.trafficWeight} % for ${approvals} approval(s); a switch approves this pause`,
    {
      stage: 5,
      milestone: 'awaiting_decision' satisfies DeploymentMilestone,
      step: n,
      weight: state.trafficWeight,
      approvalsRequired: approvals,
    },
  );
  await syncSlack(ctx);
  const d = await awaitDecision(ctx, false);
  ctx.policy = base;
  ctx.gateClosesAt = undefined;
  if (d.action !== 'switch') return d;
  ctx.decision = undefined;
  setStatus(ctx, 'SWITCHING');
  refreshGateDetails(ctx);
  return undefined;
}

async function complete(ctx: DeploymentContext): Promise<DeploymentSnapshot> {
  const { input, state, log, acts } = ctx;
  const approvedBy = state.decision?.by ?? 'switchyard';
  const via = state.decision?.via ?? 'workflow';
  // Production now runs green: its figures on the production URL are green's.
  state.green = await acts.probeProduction({ url: input.target.blueUrl });
  state.finalService = 'green';
  state.completedAt = new Date().toISOString();
  setStatus(ctx, 'COMPLETED');
  log.append('stage', M.switched, {
    stage: 5,
    milestone: 'switched' satisfies DeploymentMilestone,
    activeService: 'green',
    approvedBy,
    via,
    steps: state.currentStep,
  });
  log.append('success', M.success, { deploymentId: input.deploymentId, approvedBy, via });
  log.terminal = true;
  await syncSlack(ctx);
  return snapshot(ctx);
}
