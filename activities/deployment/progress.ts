// Long-running activities report stage progress to their workflow as signals; the workflow keeps
// one event per key, so an activity retried after a crash may safely report again. Each signal
// costs its own workflow task (four history events), so reports are batched: at most one signal
// per PROGRESS_MIN_INTERVAL_MS, counted from the activity's start (a wait shorter than that sends
// none), and what is still pending when the activity returns travels in its result instead.
import { Context } from '@temporalio/activity';
import { progressSignal, type ProgressReport } from '../../workflows/deployment/messages.js';

/** Reports within this long of the last signal (or the start) wait for the next poll, or the activity's result. */
export const PROGRESS_MIN_INTERVAL_MS = 1000;

export async function reportProgress(workflowId: string, reports: ProgressReport[]): Promise<void> {
  if (reports.length === 0) return;
  try {
    await Context.current().client.workflow.getHandle(workflowId).signal(progressSignal, reports);
  } catch {
    // Progress is informative; losing one report must not fail the stage.
  }
}

/** One activity attempt's progress: signalled in batches, the rest handed back by take(). */
export class ProgressBatch {
  #pending: ProgressReport[] = [];
  #lastSentAt = Date.now();

  constructor(
    private readonly workflowId: string,
    private readonly minIntervalMs = PROGRESS_MIN_INTERVAL_MS,
  ) {}

  /** Queues `reports`; signals everything queued once the interval since the last signal has passed. */
  async add(reports: ProgressReport[]): Promise<void> {
    this.#pending.push(...reports);
    if (this.#pending.length > 0 && Date.now() - this.#lastSentAt >= this.minIntervalMs) await this.flush();
  }

  async flush(): Promise<void> {
    const reports = this.take();
    if (reports.length === 0) return;
    this.#lastSentAt = Date.now();
    await reportProgress(this.workflowId, reports);
  }

  /** What has not been signalled: for the activity's result. */
  take(): ProgressReport[] {
    const reports = this.#pending;
    this.#pending = [];
    return reports;
  }
}
