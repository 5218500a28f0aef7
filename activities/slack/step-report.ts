// A progressive release's step, told where people look: the deployment's Slack message is rewritten
// (chat.update on the same ts) with the step, the weight, the bake's end, and green against blue
// from the watch's latest window. The window is read from the watch activity's heartbeat (Temporal
// keeps it; the workflow never sees it), so a step costs the history one local-activity marker and
// the watch goes on undisturbed. Idempotent: a retry rewrites the same message with the same view.
import { Context } from '@temporalio/activity';
import type { WatchWindow } from '../../domain/deployment.js';
import { watchWindowsOf } from '../../common/temporal/watch-heartbeat.js';
import type { SlackDeploymentView } from './blocks.js';

/** Where the deployment's message is (index.ts's SlackMessageRef; not imported, so no loop). */
interface SlackMessageRef {
  channel: string;
  ts: string;
}

export interface ReleaseStepReport {
  /** The watch's latest window, when a watch runs and has heartbeated one. */
  window?: WatchWindow;
}

export interface ReleaseStepInput {
  view: SlackDeploymentView;
  /** The deployment's message; null when Slack is off or another update follows at once (an approval pause). */
  message: SlackMessageRef | null;
  /** Read the watch's window (the policy has a watch). */
  watched: boolean;
}

type UpdateMessage = (input: SlackMessageRef & SlackDeploymentView) => Promise<void>;

/** The watch's latest window, or none: a failed read only leaves the figures as they were. */
async function latestWindow(): Promise<WatchWindow | undefined> {
  const context = Context.current();
  const workflowId = context.info.workflowExecution?.workflowId;
  if (!workflowId) return undefined;
  const description = await context.client.workflow
    .getHandle(workflowId)
    .describe()
    .catch(() => undefined);
  return watchWindowsOf(description).at(-1);
}

export function createReleaseStepActivities(updateDeploymentMessage: UpdateMessage) {
  return {
    async reportReleaseStep({ view, message, watched }: ReleaseStepInput): Promise<ReleaseStepReport> {
      const window = watched ? await latestWindow() : undefined;
      if (message) {
        const figures = window ? { blue: window.blue, green: window.green, figuresAt: window.at } : {};
        await updateDeploymentMessage({ ...message, ...view, ...figures });
      }
      return window ? { window } : {};
    },
  };
}
