// `switchyard distribute`, `retry` and `cancel` as child processes against the real API on a
// socket over a sandbox worker and the channel emulators: distribute follows the channels over
// SSE and exits 1 when one fails; retry retries the failed channel; cancel cancels a scheduled one.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_URLS } from '../channels/sandbox.js';
import { TEST_KEYS } from '../support/api.js';
import { cli } from '../support/cli-process.js';
import { serveApp, type ServedApp } from '../support/http-server.js';
import { sandboxSuite } from '../support/sandbox-suite.js';

describe('switchyard distribute, retry and cancel', () => {
  // syncWaitMs 0: the API answers 202 at once, so the CLI follows the channels on the stream.
  const suite = sandboxSuite('cli-dist', {
    app: () => ({ distribution: { retryWindowMs: 10 * 60_000, retryBackoffMs: 200, syncWaitMs: 0 } }),
  });
  let server: ServedApp;
  beforeAll(async () => {
    server = await serveApp(suite.app.fetch);
  });
  afterAll(async () => {
    await server?.close();
  });
  const env = (role: keyof typeof TEST_KEYS) => ({ SWITCHYARD_URL: server.url, SWITCHYARD_API_KEY: TEST_KEYS[role] });
  const folder = mkdtempSync(join(tmpdir(), 'switchyard-cli-dist-'));
  const requestFile = (body: unknown) => {
    const path = join(folder, `${randomUUID()}.json`);
    writeFileSync(path, JSON.stringify(body));
    return path;
  };

  it('follows the channels to a partial failure (exit 1), then retries the failed one', async () => {
    const eventId = `evt-${randomUUID().slice(0, 8)}`;
    const file = requestFile({
      eventId,
      channels: [
        { type: 'NAVER_BLOG', config: { title: 'ok' } },
        { type: 'INSTAGRAM', config: { caption: 'Grand opening #fail' } },
      ],
      contentUrls: CONTENT_URLS,
    });
    const followed = await cli(['distribute', file], env('deployer'));
    expect(followed.code, followed.stdout + followed.stderr).toBe(1);
    expect(followed.stdout).toMatch(new RegExp(`^${eventId}  (PENDING|IN_PROGRESS): following 2 channel\\(s\\)`, 'm'));
    expect(followed.stdout).toMatch(/INSTAGRAM: attempt 1 failed/);
    expect(followed.stdout).toMatch(/channels \[#{20}\] 100% {2}2\/2 done/);
    expect(followed.stdout).toMatch(new RegExp(`^${eventId}  PARTIAL_FAILURE$`, 'm'));

    const status = await cli(['distribute', file, '--output', 'json'], env('deployer'));
    // The same event id again: the server answers with the settled distribution (idempotent), as JSON.
    expect(JSON.parse(status.stdout)).toMatchObject({ eventId, status: 'PARTIAL_FAILURE' });
    expect(status.code).toBe(1);

    const retried = await cli(['retry', eventId, '--output', 'json'], env('deployer'));
    expect(retried.code, retried.stderr).toBe(1);
    const body = JSON.parse(retried.stdout) as { retryStatus: string; results: { channel: string; status: string }[] };
    expect(body.retryStatus).toBe('FAILED');
    expect(body.results.map((r) => r.channel)).toEqual(['INSTAGRAM']);

    const viewer = await cli(['retry', eventId], env('viewer'));
    expect(viewer.code).toBe(3);
    expect(viewer.stderr).toMatch(/^switchyard: 403 Forbidden: .*role deployer required \[FORBIDDEN\]\n$/);
  });

  it('cancels a channel waiting for its scheduled time', async () => {
    const eventId = `evt-${randomUUID().slice(0, 8)}`;
    const scheduledTime = new Date(Date.now() + 3_600_000).toISOString();
    const file = requestFile({ eventId, channels: [{ type: 'GENIE_TV', config: { scheduledTime } }], contentUrls: CONTENT_URLS });
    const started = await cli(['distribute', file, '--no-wait', '--output', 'json'], env('deployer'));
    expect(started.code, started.stderr).toBe(0);
    expect(JSON.parse(started.stdout)).toMatchObject({ eventId });
    const cancelled = await cli(['cancel', eventId, '--output', 'json'], env('deployer'));
    expect(cancelled.code, cancelled.stderr).toBe(0);
    expect(JSON.parse(cancelled.stdout)).toMatchObject({ eventId, cancelledChannels: ['GENIE_TV'] });
  });
});
