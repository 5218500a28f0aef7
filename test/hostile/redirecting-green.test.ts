// Hostile: green runs the deployer's code, so it may answer its health probe with a redirect to
// anywhere (an internal service, the metadata endpoint). The probe follows no redirect: the 3xx
// fails green's probes, the Location is shown in the failure, and the worker never asks the
// redirect's target for anything (hits counted on a real local server). The real probe activity
// runs inside the real deployment workflow; the stages around it are stubs, so "nothing switched"
// is read from the activities called (no continueCodeDeploy, no probeProduction).
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WorkflowFailedError } from '@temporalio/client';
import type { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHealthActivities, probe } from '../../activities/deployment/health.js';
import type { DeploymentSnapshot } from '../../workflows/deployment/types.js';
import { deploymentInput, startStubWorker, type StubHarness } from '../workflows/stub-worker.js';

function server(answer: (res: ServerResponse) => void) {
  let hits = 0;
  const s: Server = createServer((_req, res) => {
    hits += 1;
    answer(res);
  });
  return {
    listen: () => new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve)),
    close: () => new Promise<void>((resolve) => s.close(() => resolve())),
    url: () => `http://127.0.0.1:${(s.address() as AddressInfo).port}`,
    get hits() {
      return hits;
    },
  };
}

describe('a redirecting green (real probe activity)', () => {
  // The redirect's target: an address outside DEPLOY_PROBE_HOSTS that answers 200 to anything.
  const target = server((res) => res.writeHead(200).end('secret'));
  const blue = server((res) => res.writeHead(200).end());
  const green = server((res) => res.writeHead(302, { location: `${target.url()}/latest/meta-data/iam/security-credentials/` }).end());
  const settings = { samples: 3, timeoutMs: 1000, maxErrorRate: 0.2 };
  let harness: StubHarness;

  beforeAll(async () => {
    for (const s of [target, blue, green]) await s.listen();
    harness = await startStubWorker('hostile-redirect');
  });
  afterAll(async () => {
    await harness?.close();
    for (const s of [target, blue, green]) await s.close();
  });

  it('counts a 3xx as a failed probe, shows its Location, and never fetches it', async () => {
    const figures = await probe(green.url(), settings);
    expect(figures).toMatchObject({ errorRate: 1, samples: 3 });
    expect(figures.problems).toEqual([
      `302 redirect to ${target.url()}/latest/meta-data/iam/security-credentials/: not followed, probes follow no redirect`,
    ]);
    expect(green.hits).toBeGreaterThanOrEqual(3);
    expect(target.hits).toBe(0);
  });

  it('refuses link-local and metadata addresses without connecting', async () => {
    for (const url of ['http://169.254.169.254', 'http://[fd00:ec2::254]', 'http://[::ffff:169.254.169.254]:80']) {
      const figures = await probe(url, { ...settings, samples: 1 });
      expect(figures.errorRate).toBe(1);
      expect(figures.problems?.[0]).toMatch(/^refused: .* probes never reach$/);
    }
  });

  it('fails a probe whose answer never ends, within its timeout', async () => {
    const trickle = createServer((_req, res) => {
      res.writeHead(200);
      const timer = setInterval(() => res.write('.'), 20);
      res.on('close', () => clearInterval(timer));
    });
    await new Promise<void>((resolve) => trickle.listen(0, '127.0.0.1', resolve));
    try {
      const started = Date.now();
      const figures = await probe(`http://127.0.0.1:${(trickle.address() as AddressInfo).port}`, {
        ...settings,
        samples: 1,
        timeoutMs: 300,
      });
      expect(figures).toMatchObject({ errorRate: 1, problems: ['no answer within 300 ms'] });
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      trickle.closeAllConnections();
      trickle.close();
    }
  });

  it('fails the deployment at its health check, before any traffic moves, and the target is never hit', async () => {
    const { probeHealth } = createHealthActivities(settings);
    const handle = await harness.start(
      { probeHealth },
      { target: { ...deploymentInput('x').target, blueUrl: blue.url(), greenUrl: green.url() } },
    );
    const error = await handle.result().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WorkflowFailedError);
    const cause = (error as WorkflowFailedError).cause as ApplicationFailure;
    expect(cause.type).toBe('HEALTH_CHECK_FAILED');
    expect(cause.message).toContain(`302 redirect to ${target.url()}/latest/meta-data/iam/security-credentials/`);
    const snapshot = cause.details?.[0] as DeploymentSnapshot;
    expect(snapshot).toMatchObject({
      status: 'FAILED',
      failedStage: 4,
      finalService: null,
      green: { errorRate: 1, problems: [expect.stringContaining('302 redirect')] },
    });
    const calls = harness.calls(handle.workflowId);
    expect(calls).toContain('probeHealth');
    expect(calls).not.toContain('continueCodeDeploy');
    expect(calls).not.toContain('probeProduction');
    expect(calls).toContain('stopCodeDeploy');
    expect(target.hits).toBe(0);
  });
});
