// The watched hold as the deployment workflow runs it (real workflow code; the real watch activity
// probing local blue and green HTTP servers; other activities stubbed): green degrading at the
// gate rolls the deployment back by itself with the figures, a dry run only records the verdict,
// and a decision ends the watch. One activity for the whole hold: the history does not grow with
// the number of windows.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWatchActivities } from '../../activities/deployment/watch.js';
import { DEFAULT_APPROVAL_POLICY, type WatchPolicy } from '../../domain/approval-policy.js';
import { deploymentEventsQuery, switchTrafficUpdate } from '../../workflows/deployment/messages.js';
import { authHeader, buildTestApp } from '../support/api.js';
import { json } from '../support/http.js';
import { connectClient } from '../support/temporal.js';
import { deploymentInput, startStubWorker, type DeploymentHandle, type StubHarness } from './stub-worker.js';

/** A service's /health: 200 until told to fail. Counts the probes it answered. */
function healthServer() {
  let failing = false;
  let probes = 0;
  const server: Server = createServer((_req, res) => {
    probes += 1;
    res.writeHead(failing ? 500 : 200).end();
  });
  return {
    server,
    degrade() {
      failing = true;
    },
    recover() {
      failing = false;
    },
    get probes() {
      return probes;
    },
    url: () => `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
  };
}

describe('the watched hold (real watch activity, stub stages)', () => {
  let harness: StubHarness;
  const blue = healthServer();
  const green = healthServer();
  const { watchGreen } = createWatchActivities({ samples: 2, timeoutMs: 1000, maxErrorRate: 0.5 });
  const watch = (patch: Partial<WatchPolicy> = {}): WatchPolicy => ({
    intervalMs: 40,
    maxErrorRate: 0.1,
    windows: 3,
    dryRun: false,
    ...patch,
  });

  beforeAll(async () => {
    for (const s of [blue, green]) await new Promise<void>((resolve) => s.server.listen(0, '127.0.0.1', resolve));
    harness = await startStubWorker('wf-watch');
  });
  afterAll(async () => {
    await harness?.close();
    for (const s of [blue, green]) s.server.close();
  });

  const atGate = async (policyWatch: WatchPolicy): Promise<DeploymentHandle> => {
    const base = deploymentInput('unused');
    const handle = await harness.start(
      { watchGreen },
      {
        target: { ...base.target, blueUrl: blue.url(), greenUrl: green.url() },
        approvalPolicy: { ...DEFAULT_APPROVAL_POLICY, watch: policyWatch },
      },
    );
    await harness.waitFor(handle, (s) => s.status === 'DEPLOYMENT_READY');
    return handle;
  };
  const events = async (handle: DeploymentHandle) => (await handle.query(deploymentEventsQuery, 0)).events;
  const historyLength = async (handle: DeploymentHandle) => (await handle.fetchHistory()).events?.length ?? 0;
  const waitProbes = (count: number) => expect.poll(() => green.probes, { timeout: 20_000, interval: 20 }).toBeGreaterThanOrEqual(count);

  it('rolls back by itself when green degrades (reason analysis, with the windows), in a history that does not grow with the hold', async () => {
    const lengths: number[] = [];
    for (const healthyWindows of [3, 30]) {
      const handle = await atGate(watch());
      await waitProbes(green.probes + healthyWindows * 2);
      green.degrade();
      const result = await handle.result();
      expect(result).toMatchObject({ status: 'ROLLED_BACK', decision: { action: 'rollback', by: 'switchyard', via: 'workflow' } });
      expect(result.decision?.reason).toMatch(/^analysis: green error rate 100\.0% > 10\.0% for 3 window\(s\) in a row$/);
      expect(result.analysis).toMatchObject({ breached: true, dryRun: false });
      expect(result.analysis!.windows).toHaveLength(3);
      // The first bad window can straddle the moment green degraded (one of its two probes still
      // answered 200): 50 % is a breach too. The windows after it saw green fail every probe.
      for (const window of result.analysis!.windows) {
        expect(window).toMatchObject({ green: { samples: 2 }, blue: { errorRate: 0 }, breach: expect.any(String) });
        expect(window.green.errorRate).toBeGreaterThanOrEqual(0.5);
      }
      expect(result.analysis!.windows.at(-1)).toMatchObject({ green: { errorRate: 1 } });
      const breach = (await events(handle)).find((e) => e.details['milestone'] === 'analysis_breach');
      expect(breach?.details).toMatchObject({ dryRun: false, windows: expect.any(Array) });
      lengths.push(await historyLength(handle));
      green.recover(); // the next deployment's green starts healthy
    }
    // Ten times the windows, the same history: one activity for the whole hold. (Within one workflow
    // task's three events: how the last events fall into tasks varies from run to run.)
    console.log(`[watched-hold] history events: ${lengths[0]} after 3 healthy windows, ${lengths[1]} after 30`);
    expect(Math.abs(lengths[1]! - lengths[0]!)).toBeLessThanOrEqual(3);
  });

  it('in dry run records the verdict and keeps waiting; a switch then completes and ends the watch', async () => {
    green.recover();
    const handle = await atGate(watch({ dryRun: true }));
    // While it watches, the result shows the latest windows from the watch's heartbeat.
    const temporal = await connectClient();
    const app = buildTestApp(temporal.client, harness.taskQueue);
    await expect
      .poll(
        async () => {
          const body = (await json(await app.request(`/api/v1/deploy/${handle.workflowId}/result`, { headers: authHeader('viewer') }))) as {
            data: { evidence: { watch: unknown[] } };
          };
          return body.data.evidence.watch.length;
        },
        { timeout: 10_000 },
      )
      .toBeGreaterThan(0);
    const shown = (
      (await json(await app.request(`/api/v1/deploy/${handle.workflowId}/result`, { headers: authHeader('viewer') }))) as {
        data: { evidence: { watch: { green: { errorRate: number; samples: number } }[] } };
      }
    ).data.evidence.watch;
    expect(shown[0]).toMatchObject({ green: { errorRate: 0, samples: 2 } });
    await temporal.close();
    green.degrade();
    await expect
      .poll(async () => (await events(handle)).some((e) => e.details['milestone'] === 'analysis_breach'), { timeout: 20_000 })
      .toBe(true);
    const verdict = (await events(handle)).find((e) => e.details['milestone'] === 'analysis_breach')!;
    expect(verdict.message).toMatch(/^Analysis \(dry run\): would roll back: green error rate/);
    await handle.executeUpdate(switchTrafficUpdate, { args: [{ by: 'alice', via: 'api' }] });
    await expect(handle.result()).resolves.toMatchObject({
      status: 'COMPLETED',
      analysis: { dryRun: true },
      decision: { action: 'switch' },
    });
  });
});
