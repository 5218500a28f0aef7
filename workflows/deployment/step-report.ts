// A progressive release's step, told everywhere it is watched: the state (the result's
// `bakeEndsAt`), the step's event (SSE, WebSocket: its bake's end, green against blue) and the
// Slack message (rewritten on the same ts). One local activity per step reads the watch's latest
// window and rewrites the message, so a step costs the history one marker: the ten-step release
// stays within its event budget. Behind a patch: runs that walked steps with older code replay.
import { patched } from '@temporalio/workflow';
import type { ReleaseStep } from '../../domain/release-strategy.js';
import { snapshot, type DeploymentContext } from './context.js';

export const STEP_REPORT_PATCH = 'release-step-report';

/** When the step's timed pause ends: Switchyard's timer or the engine's bake start as the weight is reached. */
function bakeEnd(step: ReleaseStep, last: boolean): string | undefined {
  if (last || !step.pause || !('minutes' in step.pause)) return undefined;
  return new Date(Date.now() + step.pause.minutes * 60_000).toISOString();
}

/** Reports the step just reached; returns what its `step` event adds. Slack or Temporal trouble never stops the walk. */
export async function reportStep(ctx: DeploymentContext, step: ReleaseStep, last: boolean): Promise<Record<string, unknown>> {
  const { state } = ctx;
  state.bakeEndsAt = bakeEnd(step, last);
  const details = state.bakeEndsAt ? { bakeEndsAt: state.bakeEndsAt } : {};
  // The last step's news is the end (complete() probes production and rewrites the message).
  if (last || !patched(STEP_REPORT_PATCH)) return details;
  const watched = ctx.policy.watch !== undefined;
  // An approval pause rewrites the message at once with its buttons: this report only reads the window.
  const message = step.pause && 'approvals' in step.pause ? null : ctx.slackMessage;
  if (!message && !watched) return details;
  const view = { ...snapshot(ctx), ...(state.decision ? { approvedBy: state.decision.by } : {}) };
  const { window } = await ctx.slack.reportReleaseStep({ view, message, watched }).catch(() => ({ window: undefined }));
  if (!window) return details;
  state.blue = window.blue;
  state.green = window.green;
  return { ...details, green: window.green, blue: window.blue, windowAt: window.at };
}
