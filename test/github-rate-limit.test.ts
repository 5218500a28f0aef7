// A deployment whose GitHub token runs out of its primary rate limit waits for the reset GitHub
// names instead of failing its build: against real Temporal and a GitHub emulator whose limit is
// 8 requests per 4 s window. Each exhausted window is met with one refused request, not a volley
// of retries, and the build's polls are conditional, so an unchanged run costs nothing.
import { describe, expect, it } from 'vitest';
import { sandboxSuite } from './support/sandbox-suite.js';

const WINDOW_MS = 4_000;

describe('GitHub rate limits during a deployment', () => {
  const suite = sandboxSuite('github-rate-limit', {
    env: { DEPLOY_POLL_MS: '100' },
    // Build steps slower than the polls: most polls find the run as it was.
    sandbox: { stepMs: 1_000, githubRateLimit: { limit: 8, windowMs: WINDOW_MS } },
  });

  it('waits out each exhausted window and reaches the gate with one build', { timeout: 90_000 }, async () => {
    const github = () => suite.worker.sandbox.github.state;
    const connection = await suite.api.connect();
    // Connecting spent part of this window; the deployment starts in a fresh one.
    await new Promise((resolve) => setTimeout(resolve, WINDOW_MS + 100));
    const answer = await suite.api.deploy(connection, { version: 'v1.2.3' });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const id: string = answer.body.data.deploymentId;

    let result = (await suite.api.result(id)).body.data;
    for (const until = Date.now() + 75_000; !['DEPLOYMENT_READY', 'FAILED', 'COMPLETED', 'ROLLED_BACK'].includes(result?.status);) {
      if (Date.now() > until) throw new Error(`no end in sight: ${JSON.stringify(result)}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
      result = (await suite.api.result(id)).body.data;
    }
    expect(result, JSON.stringify(result)).toMatchObject({ status: 'DEPLOYMENT_READY' });

    const { refusals, notModified } = github().rateLimits.record;
    const windows = new Map<number, number>();
    for (const refusal of refusals) windows.set(refusal.windowStart, (windows.get(refusal.windowStart) ?? 0) + 1);
    console.log(`[github-rate-limit] ${refusals.length} refusals in ${windows.size} windows, ${notModified} free 304s`);
    // It ran into the limit, and asked again only once the window had reset.
    expect(refusals.length).toBeGreaterThan(0);
    expect(
      [...windows.values()].every((count) => count === 1),
      JSON.stringify([...windows]),
    ).toBe(true);
    expect(notModified).toBeGreaterThan(0);
    // One build, whatever the waits.
    expect(github().runs.filter((run) => run.inputs.correlation_id === id)).toHaveLength(1);
  });
});
