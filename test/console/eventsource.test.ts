// The Panda seed's browser client as it is: `new EventSource(url)` cannot send Authorization, so
// a page served by the app asks for a stream token and opens the SSE stream with `?token=`.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authHeader, TEST_KEYS } from '../support/api.js';
import { startBrowserStack, type BrowserStack } from './browser-stack.js';

interface Collected {
  type: string;
  data: string;
  lastEventId: string;
}

describe('SSE from a browser EventSource (?token=)', () => {
  let stack: BrowserStack;
  beforeAll(async () => {
    stack = await startBrowserStack('eventsource');
  });
  afterAll(async () => {
    await stack?.close();
  });

  /** Runs the seed's client in the page: EventSource on `path`, collecting until `stages` stage events. */
  const collect = (page: Awaited<ReturnType<Browser['newPage']>>, path: string, stages: number) =>
    page.evaluate(
      ({ path, stages }) =>
        new Promise<Collected[]>((resolve, reject) => {
          const seen: Collected[] = [];
          const source = new EventSource(path);
          const timer = setTimeout(() => {
            source.close();
            reject(new Error(`timed out: ${JSON.stringify(seen)}`));
          }, 45_000);
          const on = (type: string) =>
            source.addEventListener(type, (event) => {
              const e = event as unknown as { data: string; lastEventId: string };
              seen.push({ type, data: e.data, lastEventId: e.lastEventId });
              if (seen.filter((s) => s.type === 'stage').length >= stages) {
                clearTimeout(timer);
                source.close();
                resolve(seen);
              }
            });
          for (const type of ['connected', 'stage', 'success', 'fail', 'error']) on(type);
        }),
      { path, stages },
    );

  it('receives connected and stage events with a stream token, and with an API key as ?token=', { timeout: 90_000 }, async () => {
    const connection = await stack.api.connect();
    const started = await stack.api.deploy(connection, { version: 'v1.0.0' });
    expect(started.status).toBe(200);
    const id = started.body.data.deploymentId as string;

    const page = await stack.browser.newPage();
    await page.goto(`${stack.served.url}/`);
    // The page asks for a token with its key (fetch can send headers), then EventSource uses it.
    const token = await page.evaluate(
      async ({ header, scope }) => {
        const res = await fetch('/api/v1/stream-tokens', {
          method: 'POST',
          headers: { ...header, 'content-type': 'application/json' },
          body: JSON.stringify({ scope }),
        });
        return ((await res.json()) as { data: { token: string } }).data.token;
      },
      { header: authHeader('viewer'), scope: `deployment:${id}` },
    );

    const events = await collect(page, `/api/v1/deploy/${id}/events?token=${encodeURIComponent(token)}`, 3);
    expect(events[0]!.type).toBe('connected');
    const stages = events.filter((e) => e.type === 'stage');
    expect(stages.length).toBeGreaterThanOrEqual(3);
    expect(stages.map((e) => Number(e.lastEventId))).toEqual(stages.map((_, i) => i + 1));
    expect(JSON.parse(stages[0]!.data)).toMatchObject({ message: expect.any(String) });

    // The seed's client as it is: the API key itself as ?token=.
    const withKey = await collect(page, `/api/v1/deploy/${id}/events?token=${encodeURIComponent(TEST_KEYS.viewer)}`, 1);
    expect(withKey[0]!.type).toBe('connected');
    await page.close();
  });
});
