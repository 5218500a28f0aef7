// A progressive release's step, told where people look, by the activity the step already runs:
// when `awaitRelease` sees the engine reach the step's weight, it rewrites the deployment's Slack
// message (chat.update on the same ts) with the step, the weight, the bake's end, and green
// against blue from the watch's latest window, then hands those back in its result. So a step
// costs the history nothing more than its wait. The window is read from the watch activity's
// heartbeat (Temporal keeps it; the workflow never sees it). Idempotent: a retried wait rewrites
// the same message. Slack or Temporal trouble only leaves the message as it was.
import { Context } from '@temporalio/activity';
import type { WatchWindow } from '../../domain/deployment.js';
import { watchWindowsOf } from '../../common/temporal/watch-heartbeat.js';
import type { AwaitReleaseInput, ReleaseProgress } from '../deployment/release-types.js';
import type { SlackDeploymentView } from './blocks.js';

/** What the workflow asks for with a step's wait; absent, the wait only waits. */
export interface StepReportRequest {
  /** The message's view at the step (status, step k, the figures so far); weight and bake are filled in here. */
  view: SlackDeploymentView;
  /** The deployment's message; null when Slack is off or the step's approval pause rewrites it at once. */
  message: { channel: string; ts: string } | null;
  /** Read the watch's window (the policy has a watch). */
  watched: boolean;
  /** The step's timed pause, which starts as the weight is reached. */
  bakeMinutes?: number;
}

/** What the wait hands back with its progress when it reported the step. */
export interface StepReport {
  bakeEndsAt?: string;
  /** The watch's latest window, when a watch runs and has heartbeated one. */
  window?: WatchWindow;
}

export type ReportingAwaitInput = AwaitReleaseInput & { report?: StepReportRequest };
export type ReportedProgress = ReleaseProgress & { report?: StepReport };

type UpdateMessage = (input: { channel: string; ts: string } & SlackDeploymentView) => Promise<void>;

async function latestWindow(): Promise<WatchWindow | undefined> {
  const context = Context.current();
  const workflowId = context.info.workflowExecution?.workflowId;
  if (!workflowId) return undefined;
  try {
    return watchWindowsOf(await context.client.workflow.getHandle(workflowId).describe()).at(-1);
  } catch {
    return undefined;
  }
}

async function reportStep(request: StepReportRequest, weight: number, update: UpdateMessage): Promise<StepReport> {
  const { view, message, watched, bakeMinutes } = request;
  const bakeEndsAt = bakeMinutes ? new Date(Date.now() + bakeMinutes * 60_000).toISOString() : undefined;
  const window = watched ? await latestWindow() : undefined;
  // A wait the workflow has cancelled (a rollback) leaves the message to the rollback's own rewrite.
  if (message && !Context.current().cancellationSignal.aborted) {
    const figures = window ? { blue: window.blue, green: window.green, figuresAt: window.at } : {};
    await update({ ...message, ...view, trafficWeight: weight, ...(bakeEndsAt ? { bakeEndsAt } : {}), ...figures }).catch(() => undefined);
  }
  return { ...(bakeEndsAt ? { bakeEndsAt } : {}), ...(window ? { window } : {}) };
}

/** `awaitRelease` that reports the step once the engine has reached its weight (the workflow's `report`). */
export function reportingSteps(awaitRelease: (input: AwaitReleaseInput) => Promise<ReleaseProgress>, update: UpdateMessage) {
  return async ({ report, ...input }: ReportingAwaitInput): Promise<ReportedProgress> => {
    const progress = await awaitRelease(input);
    const reachedStep = typeof input.until === 'number' && (progress.done || progress.weight >= input.until);
    if (!report || !reachedStep) return progress;
    return { ...progress, report: await reportStep(report, progress.weight, update) };
  };
}
