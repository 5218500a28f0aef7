// Conditional requests and the primary rate limit, through the real Octokit client: a 304 costs
// nothing, an exhausted limit refuses even a conditional request, and the window resets.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_OWNER } from '../../../emulators/github/index.js';
import { RateLimits } from '../../../emulators/github/rate-limits.js';
import { PRIVATE_REPO_TOKEN, requestError as refusal, startTestEmulator, type TestEmulator } from './emulator.js';

const panda = { owner: SANDBOX_OWNER, repo: 'panda-api' };

let t: TestEmulator;
beforeAll(async () => {
  t = await startTestEmulator({ rateLimit: { limit: 3, windowMs: 1_500 } });
});
afterAll(async () => {
  await t.emulator.close();
});

describe('conditional requests against the primary rate limit', () => {
  it('answers 304 to a matching If-None-Match without counting it, 200 to another, 403 once the limit is spent', async () => {
    const first = await t.octokit().repos.get(panda);
    const etag = first.headers.etag!;
    expect(etag).toMatch(/^W\/"[0-9a-f]{32}"$/);
    expect(first.headers['x-ratelimit-remaining']).toBe('2');

    for (const tag of [etag, etag.replace(/^W\//, ''), `"other", ${etag}`]) {
      const notModified = await refusal(t.octokit().repos.get({ ...panda, headers: { 'if-none-match': tag } }));
      expect(notModified.status).toBe(304);
      expect(notModified.response?.headers['x-ratelimit-remaining']).toBe('2');
      expect(notModified.response?.headers.etag).toBe(etag);
    }

    // Answers vary by who asks (Vary: Authorization): another token's copy of the tag is no match.
    expect(first.headers.vary).toContain('Authorization');
    const stranger = await t.octokit(PRIVATE_REPO_TOKEN).repos.get({ ...panda, headers: { 'if-none-match': etag } });
    expect(stranger.status).toBe(200);
    expect(stranger.headers.etag).not.toBe(etag);

    const changed = await t.octokit().repos.get({ ...panda, headers: { 'if-none-match': 'W/"something-else"' } });
    expect(changed.status).toBe(200);
    expect(changed.headers['x-ratelimit-remaining']).toBe('1');
    // Another resource has its own tag.
    const branch = await t.octokit().repos.getBranch({ ...panda, branch: 'main' });
    expect(branch.headers.etag).not.toBe(etag);
    expect(branch.headers['x-ratelimit-remaining']).toBe('0');

    // Spent: even a request that would be 304 is refused, as GitHub checks the limit first.
    const spent = await refusal(t.octokit().repos.get({ ...panda, headers: { 'if-none-match': etag } }));
    expect(spent.status).toBe(403);
    expect(spent.message).toContain('API rate limit exceeded for user switchyard-sandbox-user-1.');
    expect(spent.response?.headers['x-ratelimit-remaining']).toBe('0');
    const reset = Number(spent.response?.headers['x-ratelimit-reset']);
    expect(reset * 1000).toBeGreaterThan(Date.now());

    // The window resets when x-ratelimit-reset says.
    await new Promise((resolve) => setTimeout(resolve, reset * 1000 - Date.now() + 50));
    const again = await t.octokit().repos.get(panda);
    expect(again.headers['x-ratelimit-remaining']).toBe('2');
    expect(again.headers.etag).toBe(etag);
  });
});

describe('the rate limit window', () => {
  it('gives a 304 back only in the window that counted it', () => {
    const limits = new RateLimits({ limit: 5, windowMs: 1_000 });
    const taken = limits.take('t', 0);
    expect(limits.refund('t', taken.reset, 10).remaining).toBe(5);
    // Counted in the first window, answered after it reset: the new window keeps its count.
    const late = limits.take('t', 900);
    limits.take('t', 1_000);
    expect(limits.refund('t', late.reset, 1_001).remaining).toBe(4);
  });
});
