// The DORA four (deployment frequency, lead time for changes, change failure rate, time to
// restore) over a window, per service and for all services, computed from the deployments that
// ended. Pure: the API's service module reads the runs from Temporal and hands them here; the
// exact definitions are in docs/delivery-metrics.md and must change together with this file.
import { percentile } from './deployment.js';

/** One deployment run that ended, as visibility and its result know it. */
export interface DeliveryRun {
  deploymentId: string;
  /** `cluster/service`, as DeployService holds it. */
  service: string;
  status: 'COMPLETED' | 'FAILED' | 'ROLLED_BACK';
  startedAt: string;
  closedAt: string;
  /** Set on a rollback deployment (it redeploys what this release replaced): not a release itself. */
  rollbackOf?: string | undefined;
  /** The commit's date (GitHub's committer date), recorded by the deployment since it was added. */
  committedAt?: string | undefined;
}

export interface DeliveryWindow {
  from: Date;
  to: Date;
  /** A COMPLETED release followed by a rollback deployment of it starting within this long counts as failed. */
  rollbackWindowMs: number;
}

export interface DeliveryFigures {
  /** How the releases that ended in the window ended, and the rollback deployments that ended in it. */
  releases: { completed: number; rolledBack: number; failed: number; rollbackDeployments: number };
  deploymentFrequency: { completed: number; perDay: number; perWeek: number };
  leadTimeForChanges: { samples: number; withoutCommitDate: number; medianSeconds: number | null; p90Seconds: number | null };
  changeFailureRate: { releases: number; failed: number; rate: number | null };
  timeToRestore: { failures: number; restored: number; medianSeconds: number | null };
}

export interface ServiceDeliveryFigures extends DeliveryFigures {
  service: string;
}

const DAY_MS = 86_400_000;
const ms = (iso: string) => Date.parse(iso);

/** The middle value (the mean of the two middle ones for an even count); null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The 90th percentile by nearest rank; null for none. */
export function p90(values: readonly number[]): number | null {
  return values.length === 0 ? null : percentile(values, 90);
}

/**
 * The four figures of one set of runs (one service's, or all of them). `runs` may hold runs that
 * ended after `window.to` (up to the rollback window later): they count only as the rollbacks and
 * restores that follow a release of the window, never as releases of their own.
 */
export function deliveryFigures(runs: readonly DeliveryRun[], window: DeliveryWindow): DeliveryFigures {
  const inWindow = (run: DeliveryRun) => ms(run.closedAt) >= window.from.getTime() && ms(run.closedAt) <= window.to.getTime();
  const releases = runs.filter((run) => !run.rollbackOf && inWindow(run));
  const completed = releases.filter((run) => run.status === 'COMPLETED');
  const rolledBack = releases.filter((run) => run.status === 'ROLLED_BACK');
  const failed = releases.filter((run) => run.status === 'FAILED');

  const days = Math.max(window.to.getTime() - window.from.getTime(), 1) / DAY_MS;

  const withDate = completed.filter((run) => run.committedAt !== undefined);
  const leadSeconds = withDate.map((run) => Math.max(0, ms(run.closedAt) - ms(run.committedAt!)) / 1000);

  // A completed release undone by a rollback deployment started soon enough after it.
  const undone = completed.filter((release) =>
    runs.some(
      (rollback) =>
        rollback.rollbackOf === release.deploymentId && ms(rollback.startedAt) - ms(release.closedAt) <= window.rollbackWindowMs,
    ),
  );
  const changes = completed.length + rolledBack.length;
  const failedChanges = rolledBack.length + undone.length;

  // Each failure is timed to the next COMPLETED run (release or rollback deployment) of its service.
  const failures = [...failed, ...rolledBack, ...undone];
  const restoreSeconds = failures.flatMap((failure) => {
    const after = runs.filter(
      (run) => run.service === failure.service && run.status === 'COMPLETED' && ms(run.closedAt) > ms(failure.closedAt),
    );
    if (after.length === 0) return [];
    const next = Math.min(...after.map((run) => ms(run.closedAt)));
    return [(next - ms(failure.closedAt)) / 1000];
  });

  return {
    releases: {
      completed: completed.length,
      rolledBack: rolledBack.length,
      failed: failed.length,
      rollbackDeployments: runs.filter((run) => run.rollbackOf && inWindow(run)).length,
    },
    deploymentFrequency: { completed: completed.length, perDay: completed.length / days, perWeek: (completed.length / days) * 7 },
    leadTimeForChanges: {
      samples: leadSeconds.length,
      withoutCommitDate: completed.length - withDate.length,
      medianSeconds: median(leadSeconds),
      p90Seconds: p90(leadSeconds),
    },
    changeFailureRate: { releases: changes, failed: failedChanges, rate: changes === 0 ? null : failedChanges / changes },
    timeToRestore: { failures: failures.length, restored: restoreSeconds.length, medianSeconds: median(restoreSeconds) },
  };
}

/** All services together, and each service that has a run in the window, by name. */
export function deliveryReport(
  runs: readonly DeliveryRun[],
  window: DeliveryWindow,
): { overall: DeliveryFigures; services: ServiceDeliveryFigures[] } {
  const byService = new Map<string, DeliveryRun[]>();
  for (const run of runs) byService.set(run.service, [...(byService.get(run.service) ?? []), run]);
  const services = [...byService.keys()]
    .sort()
    .map((service) => ({ service, ...deliveryFigures(byService.get(service)!, window) }))
    .filter(
      (figures) =>
        figures.releases.completed + figures.releases.rolledBack + figures.releases.failed + figures.releases.rollbackDeployments > 0,
    );
  return { overall: deliveryFigures(runs, window), services };
}
