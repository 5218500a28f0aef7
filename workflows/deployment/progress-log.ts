// Progress reports into the deployment's event log: from the progress signal, and from a polling
// activity's result (the reports it had not signalled yet when it returned). One event per key,
// so an activity retried after a crash may report again.
import type { DeploymentContext } from './context.js';
import type { ProgressReport } from './messages.js';
import { progressText } from './progress-wording.js';

export function appendProgress(
  { log, seenProgress }: Pick<DeploymentContext, 'log' | 'seenProgress'>,
  reports: ProgressReport[] | ProgressReport | undefined,
): void {
  if (!reports) return;
  // A signal handler must never throw (it would fail the workflow task): one report or a batch.
  for (const report of Array.isArray(reports) ? reports : [reports]) {
    if (seenProgress.has(report.key)) continue;
    seenProgress.add(report.key);
    log.append('stage', progressText(report), { stage: report.stage, ...report.details });
  }
}
