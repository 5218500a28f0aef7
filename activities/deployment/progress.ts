// Long-running activities report stage progress to their workflow as signals; the workflow keeps
// one event per key, so an activity retried after a crash may safely report again.
import { Context } from '@temporalio/activity';
import { progressSignal, type ProgressReport } from '../../workflows/deployment/messages.js';

export async function reportProgress(workflowId: string, reports: ProgressReport[]): Promise<void> {
  if (reports.length === 0) return;
  try {
    await Context.current().client.workflow.getHandle(workflowId).signal(progressSignal, reports);
  } catch {
    // Progress is informative; losing one report must not fail the stage.
  }
}
