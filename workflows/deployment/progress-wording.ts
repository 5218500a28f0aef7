// Activities report facts (a build run is running, a lifecycle event succeeded); the workflow
// alone words them, in the Panda deploy API's text. Reports of the earlier form carry their own text.
import type { ProgressReport } from './messages.js';
import { STAGE_MESSAGES as M } from './stage-texts.js';

export function progressText(report: ProgressReport): string {
  switch (report.kind) {
    case 'build_running':
      return M.buildRunning;
    case 'lifecycle_event':
      // Optional chaining: a malformed report must not throw in a signal handler.
      return M.lifecycleHook(report.details?.lifecycleEvent ?? 'unknown');
    default: {
      // A signal handler must not throw: a report of an unknown form still gets an event.
      const { message } = report as { message?: unknown };
      return typeof message === 'string' ? message : 'Progress';
    }
  }
}
