// The watched hold: one long-running activity for the whole time the gate is open. Every interval
// it probes green and blue side by side, heartbeats the latest windows (the API shows them from
// the pending activity's heartbeat details), and returns only when green has crossed a threshold
// for `windows` windows in a row. So an hour's hold costs the history one activity, not one per
// probe. The workflow cancels it when a decision comes. A retry after a worker crash resumes the
// count of bad windows from the last heartbeat.
import { Context } from '@temporalio/activity';
import type { WatchPolicy } from '../../domain/approval-policy.js';
import type { HealthFigures, WatchHeartbeat, WatchVerdict, WatchWindow } from '../../domain/deployment.js';
import { probe, type HealthProbeSettings } from './health.js';

/** Windows kept in the heartbeat: enough to show a trend, small enough for every heartbeat. */
const KEPT_WINDOWS = 5;

export interface WatchInput {
  blueUrl: string;
  greenUrl: string;
  watch: WatchPolicy;
}

/** Why green's window is bad, in words with the figures; undefined when it is good. */
export function breachOf(green: HealthFigures, watch: WatchPolicy): string | undefined {
  if (green.errorRate > watch.maxErrorRate)
    return `green error rate ${(green.errorRate * 100).toFixed(1)}% > ${(watch.maxErrorRate * 100).toFixed(1)}%`;
  const p95 = green.p95Ms ?? green.latencyMs;
  if (watch.maxP95Ms !== undefined && p95 > watch.maxP95Ms) return `green p95 ${p95} ms > ${watch.maxP95Ms} ms`;
  return undefined;
}

export function createWatchActivities(settings: HealthProbeSettings) {
  return {
    async watchGreen({ blueUrl, greenUrl, watch }: WatchInput): Promise<WatchVerdict> {
      const context = Context.current();
      const resumed = context.info.heartbeatDetails as WatchHeartbeat | undefined;
      const windows: WatchWindow[] = resumed?.windows ?? [];
      let consecutive = resumed?.consecutive ?? 0;
      for (;;) {
        const [blue, green] = await Promise.all([probe(blueUrl, settings), probe(greenUrl, settings)]);
        const breach = breachOf(green, watch);
        windows.push({ at: new Date().toISOString(), blue, green, ...(breach ? { breach } : {}) });
        if (windows.length > KEPT_WINDOWS) windows.shift();
        consecutive = breach ? consecutive + 1 : 0;
        context.heartbeat({ windows, consecutive } satisfies WatchHeartbeat);
        if (consecutive >= watch.windows) {
          return { breached: true, reason: `${breach} for ${consecutive} window(s) in a row`, windows: windows.slice(-consecutive) };
        }
        // Ends early (CancelledFailure) once the workflow's cancellation reaches this worker.
        await context.sleep(watch.intervalMs);
      }
    },
  };
}
