// One-hour watched holds in real time (`npm run test:hour`, about 62 minutes; not part of `npm
// test`). The real deployment workflow with stub stages, and the real watch activity probing local
// blue and green servers every 30 s, at a gate that stays open for an hour:
// - green degrades at minute 20: the deployment rolls back by itself (reason analysis, with the
//   windows) three windows later;
// - green stays healthy: the watch runs the whole hour and the timeout action (rollback) ends it.
// Both state their history size. These run in real time because the time-skipping test server
// cannot skip time while an activity is scheduled or running (it locks time skipping from
// ActivityTaskScheduled to the activity's close), and the watch is one activity for the whole hold;
// test/workflows/watched-hold.test.ts shows the same at 40 ms windows within `npm test`.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWatchActivities } from '../../activities/deployment/watch.js';
import { DEFAULT_APPROVAL_POLICY, type WatchPolicy } from '../../domain/approval-policy.js';
import { deploymentInput, FAST_LIMITS, startStubWorker, type DeploymentHandle, type StubHarness } from '../workflows/stub-worker.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DEPLOYMENT_HISTORY_BUDGET = 150;

/** A service's /health: 200 until told to fail. */
function healthServer() {
  let failing = false;
  const server: Server = createServer((_req, res) => {
    res.writeHead(failing ? 500 : 200).end();
  });
  return {
    server,
    degrade() {
      failing = true;
    },
    url: () => `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
  };
}

describe('a one-hour watched hold, in real time', () => {
  let harness: StubHarness;
  const servers = { blueA: healthServer(), greenA: healthServer(), blueB: healthServer(), greenB: healthServer() };
  const { watchGreen } = createWatchActivities({ samples: 3, timeoutMs: 2000, maxErrorRate: 0.5 });
  const watch: WatchPolicy = { intervalMs: 30_000, maxErrorRate: 0.1, windows: 3, dryRun: false };
  const limits = { ...FAST_LIMITS, switchTimeoutMs: HOUR, totalMs: 2 * HOUR, stageMs: 2 * HOUR };

  beforeAll(async () => {
    for (const s of Object.values(servers)) await new Promise<void>((resolve) => s.server.listen(0, '127.0.0.1', resolve));
    harness = await startStubWorker('hour-hold');
  });
  afterAll(async () => {
    await harness?.close();
    for (const s of Object.values(servers)) s.server.close();
  });

  const atGate = async (
    blue: ReturnType<typeof healthServer>,
    green: ReturnType<typeof healthServer>,
  ): Promise<{ handle: DeploymentHandle; readyAt: number }> => {
    const base = deploymentInput('unused');
    const handle = await harness.start(
      { watchGreen },
      {
        limits,
        target: { ...base.target, blueUrl: blue.url(), greenUrl: green.url() },
        approvalPolicy: { ...DEFAULT_APPROVAL_POLICY, watch },
      },
    );
    await harness.waitFor(handle, (s) => s.status === 'DEPLOYMENT_READY');
    return { handle, readyAt: Date.now() };
  };
  const historyLength = async (handle: DeploymentHandle) => (await handle.fetchHistory()).events?.length ?? 0;

  it(
    'green degrading at minute 20 rolls back (analysis, with the figures); a healthy green reaches the timeout action at 60; both in a bounded history',
    { timeout: 80 * MINUTE },
    async () => {
      const [a, b] = await Promise.all([atGate(servers.blueA, servers.greenA), atGate(servers.blueB, servers.greenB)]);
      const degradeAt = setTimeout(() => servers.greenA.degrade(), 20 * MINUTE);
      try {
        // Each hold's own end: the degraded one ends long before the healthy one.
        const ended = (handle: DeploymentHandle, readyAt: number) =>
          handle.result().then((result) => ({ result, afterMs: Date.now() - readyAt }));
        const [{ result: degraded, afterMs: degradedAfter }, { result: healthy, afterMs: healthyAfter }] = await Promise.all([
          ended(a.handle, a.readyAt),
          ended(b.handle, b.readyAt),
        ]);
        const lengths = { degraded: await historyLength(a.handle), healthy: await historyLength(b.handle) };
        console.log(
          `[hour-hold] history events: ${lengths.degraded} (rolled back at minute ${(degradedAfter / MINUTE).toFixed(1)}), ${lengths.healthy} (watched ${(healthyAfter / MINUTE).toFixed(1)} minutes, then the timeout action)`,
        );

        expect(degraded).toMatchObject({
          status: 'ROLLED_BACK',
          decision: { action: 'rollback', by: 'switchyard', via: 'workflow' },
          analysis: { breached: true, dryRun: false },
        });
        expect(degraded.decision?.reason).toMatch(/^analysis: green error rate 100\.0% > 10\.0% for 3 window\(s\) in a row$/);
        for (const window of degraded.analysis!.windows.slice(-3))
          expect(window).toMatchObject({ green: { errorRate: 1, samples: 3 }, blue: { errorRate: 0 } });
        // Three 30 s windows after minute 20, give or take one window.
        expect(degradedAfter).toBeGreaterThan(20 * MINUTE);
        expect(degradedAfter).toBeLessThan(23 * MINUTE);

        expect(healthy).toMatchObject({ status: 'ROLLED_BACK', decision: { action: 'timeout' } });
        expect(healthyAfter).toBeGreaterThanOrEqual(HOUR);
        expect(lengths.degraded).toBeLessThan(DEPLOYMENT_HISTORY_BUDGET);
        expect(lengths.healthy).toBeLessThan(DEPLOYMENT_HISTORY_BUDGET);
      } finally {
        clearTimeout(degradeAt);
      }
    },
  );
});
