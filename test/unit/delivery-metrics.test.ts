// The DORA four as pure rules: which runs count as releases, failures and restores, and the
// window's edges. Fixed timestamps, so each figure is checked against arithmetic done here.
import { describe, expect, it } from 'vitest';
import { deliveryFigures, deliveryReport, median, p90, type DeliveryRun } from '../../domain/delivery-metrics.js';
import { deliveryWindowOf } from '../../api/routes/delivery-metrics.js';
import { ApiError } from '../../api/errors.js';

const H = 3_600_000;
const T0 = Date.parse('2026-11-01T00:00:00Z');
const at = (hours: number) => new Date(T0 + hours * H).toISOString();
const window = { from: new Date(T0), to: new Date(T0 + 7 * 24 * H), rollbackWindowMs: 24 * H };

let n = 0;
function run(status: DeliveryRun['status'], closedHour: number, extra: Partial<DeliveryRun> = {}): DeliveryRun {
  n += 1;
  return { deploymentId: `dep_${n}`, service: 'prod/api', status, startedAt: at(closedHour - 0.5), closedAt: at(closedHour), ...extra };
}

describe('delivery metrics (pure)', () => {
  it('median averages the two middle values; p90 is the nearest rank; none is null', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
    expect(p90([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])).toBe(9);
    expect(p90([5])).toBe(5);
    expect(p90([])).toBeNull();
  });

  it('computes the four figures of one service from completed, rolled-back, failed and rollback runs', () => {
    const good1 = run('COMPLETED', 10, { committedAt: at(8) }); // lead 2 h
    const good2 = run('COMPLETED', 30, { committedAt: at(26) }); // lead 4 h
    const noDate = run('COMPLETED', 40); // lead unknown
    const gate = run('ROLLED_BACK', 50); // failure; restored by bad (60)
    const bad = run('COMPLETED', 60, { committedAt: at(59) }); // lead 1 h, then undone at 65
    const undo = run('COMPLETED', 65.5, { rollbackOf: bad.deploymentId, startedAt: at(65) });
    const broken = run('FAILED', 100); // failure; restored at 103
    const fixed = run('COMPLETED', 103, { committedAt: at(101) }); // lead 2 h
    const runs = [good1, good2, noDate, gate, bad, undo, broken, fixed];
    const figures = deliveryFigures(runs, window);

    expect(figures.releases).toEqual({ completed: 5, rolledBack: 1, failed: 1, rollbackDeployments: 1 });
    expect(figures.deploymentFrequency).toEqual({ completed: 5, perDay: 5 / 7, perWeek: 5 });
    // Lead times 2, 4, 1, 2 h: median 2 h, p90 (4 samples, rank 4) 4 h.
    expect(figures.leadTimeForChanges).toEqual({ samples: 4, withoutCommitDate: 1, medianSeconds: 2 * 3600, p90Seconds: 4 * 3600 });
    // Changes: 5 completed + 1 rolled back; failed: the gate rollback and `bad` (undone 5 h later).
    expect(figures.changeFailureRate).toEqual({ releases: 6, failed: 2, rate: 2 / 6 });
    // Restores: gate 50 → 60 (10 h), broken 100 → 103 (3 h), bad 60 → undo 65.5 (5.5 h): median 5.5 h.
    expect(figures.timeToRestore).toEqual({ failures: 3, restored: 3, medianSeconds: 5.5 * 3600 });
  });

  it('does not count a rollback started after the rollback window as a failed change', () => {
    const release = run('COMPLETED', 10);
    const late = run('COMPLETED', 40, { rollbackOf: release.deploymentId, startedAt: at(35) });
    const figures = deliveryFigures([release, late], window);
    expect(figures.changeFailureRate).toEqual({ releases: 1, failed: 0, rate: 0 });
    expect(deliveryFigures([release, late], { ...window, rollbackWindowMs: 25 * H }).changeFailureRate).toEqual({
      releases: 1,
      failed: 1,
      rate: 1,
    });
  });

  it('counts releases ending inside the window only; later runs only restore or roll back', () => {
    const before = run('COMPLETED', -1, { committedAt: at(-2) });
    const lastFailure = run('FAILED', 7 * 24 - 1);
    const after = run('COMPLETED', 7 * 24 + 2);
    const figures = deliveryFigures([before, lastFailure, after], window);
    expect(figures.releases).toEqual({ completed: 0, rolledBack: 0, failed: 1, rollbackDeployments: 0 });
    expect(figures.leadTimeForChanges.samples).toBe(0);
    expect(figures.timeToRestore).toEqual({ failures: 1, restored: 1, medianSeconds: 3 * 3600 });
  });

  it('restores a failure only with a COMPLETED run of the same service; none means null, not zero', () => {
    const failure = run('FAILED', 10);
    const other = run('COMPLETED', 11, { service: 'prod/web' });
    const figures = deliveryFigures([failure, other], window);
    expect(figures.timeToRestore).toEqual({ failures: 1, restored: 0, medianSeconds: null });
    expect(deliveryFigures([], window).changeFailureRate.rate).toBeNull();
  });

  it('reports each service and all of them together', () => {
    const api = run('COMPLETED', 10, { committedAt: at(9) });
    const web = run('ROLLED_BACK', 12, { service: 'prod/web' });
    const report = deliveryReport([web, api], window);
    expect(report.services.map((s) => s.service)).toEqual(['prod/api', 'prod/web']);
    expect(report.services[1]!.changeFailureRate).toEqual({ releases: 1, failed: 1, rate: 1 });
    expect(report.overall.changeFailureRate).toEqual({ releases: 2, failed: 1, rate: 0.5 });
    expect(report.overall.deploymentFrequency.completed).toBe(1);
  });
});

describe('delivery metrics window', () => {
  const now = new Date('2026-12-07T12:00:00Z');
  it('defaults to the last 30 days, reads a date `to` as the end of that UTC day', () => {
    expect(deliveryWindowOf({}, now)).toEqual({ from: new Date('2026-11-07T12:00:00Z'), to: now });
    expect(deliveryWindowOf({ from: '2026-11-01', to: '2026-11-30' }, now)).toEqual({
      from: new Date('2026-11-01T00:00:00Z'),
      to: new Date('2026-11-30T23:59:59.999Z'),
    });
  });
  it('refuses an empty or inverted window and one over 366 days with a 400', () => {
    for (const query of [
      { from: 'nope' },
      { from: '2026-12-01', to: '2026-11-01' },
      { from: '2026-12-01T00:00:00Z', to: '2026-12-01T00:00:00Z' },
      { from: '2024-01-01', to: '2026-01-01' },
    ]) {
      expect(() => deliveryWindowOf(query, now)).toThrow(ApiError);
      try {
        deliveryWindowOf(query, now);
      } catch (error) {
        expect((error as ApiError).status).toBe(400);
      }
    }
  });
});
