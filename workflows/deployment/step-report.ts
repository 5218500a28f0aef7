// A progressive release's step, told everywhere it is watched: the Slack message (rewritten on
// the same ts), the state (the result's `bakeEndsAt`) and the step's event (SSE, WebSocket: the
// bake's end, green against blue). The step's own wait (`awaitRelease`) does the telling when the
// engine reaches the weight (activities/slack/step-report.ts): only its input and result grow, so
// the walk emits the same commands as before and a step costs the history nothing more.
import type { ReleaseStep } from '../../domain/release-strategy.js';
import type { StepReport, StepReportRequest } from '../../activities/slack/step-report.js';
import { snapshot, type DeploymentContext } from './context.js';

const bakeMinutes = (step: ReleaseStep) => (step.pause && 'minutes' in step.pause ? step.pause.minutes : undefined);

/** What the wait for step `n` should report once reached; undefined for the last step (the end tells of it) or with nothing to tell. */
export function stepReportRequest(ctx: DeploymentContext, step: ReleaseStep, n: number, last: boolean): StepReportRequest | undefined {
  if (last) return undefined;
  const { state } = ctx;
  const watched = ctx.policy.watch !== undefined;
  // An approval pause rewrites the message at once with its buttons: this report only reads the window.
  const message = step.pause && 'approvals' in step.pause ? null : ctx.slackMessage;
  const minutes = bakeMinutes(step);
  if (!message && !watched && minutes === undefined) return undefined;
  const view = {
    ...snapshot(ctx),
    currentStep: n,
    bakeEndsAt: undefined,
    ...(state.decision ? { approvedBy: state.decision.by } : {}),
  };
  return { view, message, watched, ...(minutes !== undefined ? { bakeMinutes: minutes } : {}) };
}

/** Keeps what the wait reported (or, from an older wait, works out the bake itself); returns what the step's event adds. */
export function keepStepReport(ctx: DeploymentContext, step: ReleaseStep, last: boolean, report: StepReport | undefined) {
  const { state } = ctx;
  const minutes = last ? undefined : bakeMinutes(step);
  state.bakeEndsAt = report?.bakeEndsAt ?? (minutes !== undefined ? new Date(Date.now() + minutes * 60_000).toISOString() : undefined);
  const window = report?.window;
  if (window) {
    state.blue = window.blue;
    state.green = window.green;
  }
  return {
    ...(state.bakeEndsAt ? { bakeEndsAt: state.bakeEndsAt } : {}),
    ...(window ? { green: window.green, blue: window.blue, windowAt: window.at } : {}),
  };
}
