// GET /api/v1/metrics/delivery against the real Temporal dev server and the sandbox: a release
// completed, one rolled back at the gate, one failed, one completed and then rolled back, and the
// rollback deployment that restores it. The four figures are computed here by hand from the same
// runs (close times from Temporal, the commit's date from the GitHub emulator) and must be equal.
import { describe, expect, it } from 'vitest';
import { SANDBOX_CREDENTIALS, SANDBOX_SERVICE } from '../emulators/sandbox.js';
import { buildTestApp } from './support/api.js';
import type { Json } from './support/http.js';
import { sandboxSuite } from './support/sandbox-suite.js';

const DAY_S = 86_400;

describe('delivery metrics endpoint', () => {
  const suite = sandboxSuite('delivery-metrics');

  // A run's status can read FAILED a moment before its workflow returns: wait for the close itself.
  const closedAt = async (id: string) => {
    const handle = suite.client.workflow.getHandle(id);
    await handle.result().catch(() => undefined);
    return (await handle.describe()).closeTime!.getTime();
  };
  const switched = async (connection: { githubConnectionId: string; awsConnectionId: string }) => {
    const id = (await suite.api.deploy(connection)).body.data.deploymentId as string;
    await suite.api.reach(id, 'DEPLOYMENT_READY');
    expect((await suite.api.call('POST', `/api/v1/deploy/${id}/switch`, undefined, 'approver')).status).toBe(200);
    await suite.api.reach(id, 'COMPLETED');
    return id;
  };

  it('returns the four figures computed by hand from completed, rolled-back, failed and restoring runs', async () => {
    const from = new Date(Date.now() - 1000).toISOString();
    const connection = await suite.api.connect();

    const completed = await switched(connection);
    const gated = (await suite.api.deploy(connection)).body.data.deploymentId as string;
    await suite.api.reach(gated, 'DEPLOYMENT_READY');
    expect((await suite.api.call('POST', `/api/v1/deploy/${gated}/rollback`, { reason: 'bad canary' }, 'approver')).status).toBe(200);
    await suite.api.reach(gated, 'ROLLED_BACK');
    const noDockerfile = await suite.api.connect('no-dockerfile-app');
    const failed = (await suite.api.deploy(noDockerfile, { repo: 'no-dockerfile-app' })).body.data.deploymentId as string;
    await suite.api.reach(failed, 'FAILED');
    const undone = await switched(connection);
    const rollback = await suite.api.call('POST', `/api/v1/deploy/${undone}/rollback`, { reason: 'errors in production' }, 'approver');
    const restore = rollback.body.data.rollbackDeploymentId as string;
    await suite.api.reach(restore, 'COMPLETED');
    const to = new Date(Date.now() + 1000).toISOString();

    // By hand: the commit's date as GitHub answers it, the close times as Temporal records them.
    const commit = (await (
      await fetch(`${suite.worker.sandbox.githubApiUrl}/repos/${SANDBOX_SERVICE.owner}/${SANDBOX_SERVICE.repo}/commits/main`, {
        headers: { authorization: `Bearer ${SANDBOX_CREDENTIALS.githubToken}` },
      })
    ).json()) as { commit: { committer: { date: string } } };
    const committed = Date.parse(commit.commit.committer.date);
    const t = Object.fromEntries(
      await Promise.all(
        Object.entries({ completed, gated, failed, undone, restore }).map(async ([k, id]) => [k, await closedAt(id)] as const),
      ),
    );
    const days = (Date.parse(to) - Date.parse(from)) / 1000 / DAY_S;
    const leads = [t.completed! - committed, t.undone! - committed].map((v) => v / 1000).sort((a, b) => a - b);
    // Failures: the gate rollback and the failure are restored by `undone` completing; `undone` by its rollback.
    const restores = [t.undone! - t.gated!, t.undone! - t.failed!, t.restore! - t.undone!].map((v) => v / 1000).sort((a, b) => a - b);
    const expected = {
      releases: { completed: 2, rolledBack: 1, failed: 1, rollbackDeployments: 1 },
      deploymentFrequency: { completed: 2, perDay: 2 / days, perWeek: (2 / days) * 7 },
      leadTimeForChanges: { samples: 2, withoutCommitDate: 0, medianSeconds: (leads[0]! + leads[1]!) / 2, p90Seconds: leads[1] },
      changeFailureRate: { releases: 3, failed: 2, rate: 2 / 3 },
      timeToRestore: { failures: 3, restored: 3, medianSeconds: restores[1] },
    };

    const service = `${SANDBOX_SERVICE.cluster}/${suite.worker.sandbox.target.service}`;
    const query = `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;
    // Visibility is eventually consistent: wait until it lists all five runs.
    let body: Json = {};
    await expect
      .poll(
        async () => {
          body = (
            await suite.api.call('GET', `/api/v1/metrics/delivery?service=${encodeURIComponent(service)}&${query}`, undefined, 'viewer')
          ).body;
          return body.data?.runs?.read;
        },
        { timeout: 15_000, interval: 300 },
      )
      .toBe(5);
    expect(body.data).toMatchObject({
      service,
      runs: { read: 5, unreadable: 0, truncated: false },
      window: { from: new Date(from).toISOString(), to: new Date(to).toISOString(), rollbackWindowHours: 24 },
    });
    expectFigures(body.data.overall, expected);
    expect(body.data.services).toHaveLength(1);
    expectFigures(body.data.services[0], { ...expected, service });

    // All services of this Switchyard (its task queue): the same runs, so the same figures; a bare service name is the default cluster's.
    const all = (await suite.api.call('GET', `/api/v1/metrics/delivery?${query}`, undefined, 'viewer')).body.data;
    expect(all.service).toBeNull();
    expectFigures(all.overall, expected);
    const bare = (
      await suite.api.call('GET', `/api/v1/metrics/delivery?service=${suite.worker.sandbox.target.service}&${query}`, undefined, 'viewer')
    ).body.data;
    expect(bare.service).toBe(service);

    // A rollback window of 0 hours: `undone` was rolled back later than that, so it is no failed change.
    const strict = (await suite.api.call('GET', `/api/v1/metrics/delivery?${query}&rollbackWindowHours=0`, undefined, 'viewer')).body.data;
    expect(strict.overall.changeFailureRate).toEqual({ releases: 3, failed: 1, rate: 1 / 3 });
    // A window before the runs holds none of them.
    const empty = (
      await suite.api.call(
        'GET',
        `/api/v1/metrics/delivery?to=${encodeURIComponent(from)}&service=${encodeURIComponent(service)}`,
        undefined,
        'viewer',
      )
    ).body.data;
    expect(empty.overall).toMatchObject({
      releases: { completed: 0, rolledBack: 0, failed: 0 },
      changeFailureRate: { rate: null },
      leadTimeForChanges: { medianSeconds: null },
    });
  });

  it('refuses bad input with a 400 in the error shape, and callers without a key', async () => {
    for (const query of [
      'from=yesterday',
      'to=2026-13-01',
      'from=2026-12-01&to=2026-11-01',
      'from=2024-01-01&to=2026-01-01',
      "service=prod/x' OR 1=1",
      'rollbackWindowHours=-1',
      'rollbackWindowHours=abc',
    ]) {
      const res = await suite.api.call('GET', `/api/v1/metrics/delivery?${query}`, undefined, 'viewer');
      expect(res.status, query).toBe(400);
      expect(res.body, query).toMatchObject({
        status: 400,
        error: expect.any(String),
        message: expect.any(String),
        timestamp: expect.any(String),
      });
    }
    // The calendar's edges are answered, not a 500 (nothing past year 9999 reaches the visibility query).
    for (const query of [
      'from=0001-01-01&to=0001-01-02',
      'from=9999-12-01&to=9999-12-31',
      'to=9999-12-31T23:59:59Z&from=9999-06-01',
      'from=2026-11-01T00:00:00%2B09:00&to=2026-11-02&rollbackWindowHours=720',
    ]) {
      const res = await suite.api.call('GET', `/api/v1/metrics/delivery?${query}`, undefined, 'viewer');
      expect(res.status, query).toBe(200);
      expect(res.body.data.overall.releases, query).toMatchObject({ completed: 0, rolledBack: 0, failed: 0 });
    }
    const app = buildTestApp(suite.client, suite.taskQueue, {}, suite.worker);
    expect((await app.request('/api/v1/metrics/delivery')).status).toBe(401);
  });

  it('is described in the OpenAPI document with its query and figures', async () => {
    const doc = (await suite.api.call('GET', '/api-docs')).body;
    const op = doc.paths['/api/v1/metrics/delivery'].get;
    expect(op.parameters.map((p: Json) => p.name)).toEqual(expect.arrayContaining(['service', 'from', 'to', 'rollbackWindowHours']));
    expect(Object.keys(doc.components.schemas.DeliveryFigures.properties)).toEqual([
      'releases',
      'deploymentFrequency',
      'leadTimeForChanges',
      'changeFailureRate',
      'timeToRestore',
    ]);
  });
});

/** Counts equal; durations and rates equal to the millisecond (floating-point sums may differ in the last digit). */
function expectFigures(actual: Json, expected: Json) {
  expect(actual).toMatchObject({
    ...expected,
    deploymentFrequency: {
      completed: expected.deploymentFrequency.completed,
      perDay: expect.closeTo(expected.deploymentFrequency.perDay, 9),
      perWeek: expect.closeTo(expected.deploymentFrequency.perWeek, 9),
    },
    leadTimeForChanges: {
      ...expected.leadTimeForChanges,
      medianSeconds: expect.closeTo(expected.leadTimeForChanges.medianSeconds, 3),
      p90Seconds: expect.closeTo(expected.leadTimeForChanges.p90Seconds, 3),
    },
    changeFailureRate: { ...expected.changeFailureRate, rate: expect.closeTo(expected.changeFailureRate.rate, 9) },
    timeToRestore: { ...expected.timeToRestore, medianSeconds: expect.closeTo(expected.timeToRestore.medianSeconds, 3) },
  });
}
