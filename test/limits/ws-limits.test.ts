// Per-key limits on the WebSocket API and on credentials in URLs, over a real socket, the real
// Temporal dev server and a sandbox worker:
//  - the ids one session names are capped in total, across its subscribes (RATE_LIMIT_EXCEEDED);
//  - the amplification of issue 23 (5 sockets, 10 messages a second, 200 ids each, since_seq
//    re-subscribes) costs a bounded number of event queries, counted at the app's event hub;
//  - /ws takes stream tokens of scope `ws`, and with SWITCHYARD_KEYS_IN_URLS=false no raw key in a URL.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authHeader, buildTestApp, TEST_KEYS } from '../support/api.js';
import type { Json } from '../support/http.js';
import { json } from '../support/http.js';
import { connectClient, startSandboxWorker, uniqueTaskQueue, type SandboxWorker } from '../support/temporal.js';
import { serveWithWebSocket, type ServedWsApp } from '../ws/serve.js';
import { WsTestClient } from '../ws/ws-client.js';

describe('per-key limits on WebSocket and URLs', () => {
  const taskQueue = uniqueTaskQueue('limits-ws');
  let temporal: Awaited<ReturnType<typeof connectClient>>;
  let worker: SandboxWorker;
  /** Settled distributions: closed histories a replay would read again. */
  const settled: string[] = [];
  const served: ServedWsApp[] = [];
  const clients: WsTestClient[] = [];

  beforeAll(async () => {
    temporal = await connectClient();
    worker = await startSandboxWorker(taskQueue);
    const app = buildTestApp(temporal.client, taskQueue);
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        const eventId = `evt-${randomUUID().slice(0, 8)}`;
        const res = await app.request('/api/distribution/distribute', {
          method: 'POST',
          headers: { ...authHeader('deployer'), 'content-type': 'application/json' },
          body: JSON.stringify({
            eventId,
            channels: [{ type: 'NAVER_BLOG', config: { latencyMs: 10 } }],
            contentUrls: { naverBlog: 'https://cdn.example.com/n.jpg' },
          }),
        });
        expect(res.status).toBe(200);
        settled.push(eventId);
      }),
    );
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    for (const s of served) await s.close();
    await worker?.stop();
    await temporal?.close();
  });

  const serve = async (overrides: Parameters<typeof buildTestApp>[2]) => {
    const app = buildTestApp(temporal.client, taskQueue, overrides);
    const s = await serveWithWebSocket(app.fetch, app.webSocket);
    served.push(s);
    return { app, served: s };
  };
  const connect = async (url: string, headers: Record<string, string> = authHeader('viewer')) => {
    const c = await WsTestClient.connect(url, headers);
    clients.push(c);
    return c;
  };
  const answered = (m: Json) => m.type === 'subscribed' || m.type === 'error';
  const subscribe = (c: WsTestClient, eventIds: string[], deploymentIds: string[] = [], since?: number) =>
    c.request(
      {
        type: 'subscribe',
        data: {
          event_types: ['distribution_event', 'deployment_event'],
          filters: { event_ids: eventIds, deployment_ids: deploymentIds },
          ...(since === undefined ? {} : { since_seq: since }),
        },
      },
      answered,
    );

  it('caps the ids a session names across its subscribes, refusing the whole subscribe', async () => {
    const { served: s } = await serve({ webSocketLimits: { maxWatchedIds: 5 } });
    const c = await connect(s.wsUrl);
    await c.waitFor((m) => m.type === 'connection_status');
    expect((await subscribe(c, settled.slice(0, 4))).type).toBe('subscribed');
    const refused = await subscribe(c, settled.slice(3, 6));
    expect(refused).toMatchObject({
      type: 'error',
      data: { error_code: 'RATE_LIMIT_EXCEEDED', details: { limit: 'max_watched_ids', max: 5, watched_ids: 4, requested_ids: 2 } },
    });
    // Refused whole: nothing was added.
    const same = await subscribe(c, settled.slice(0, 4), [], 0);
    expect(same.type).toBe('subscribed');
    expect(same.data.event_ids).toEqual(settled.slice(0, 4));
    // What the session lets go of frees its share.
    const gone = await c.request({ type: 'unsubscribe', data: { filters: { event_ids: [settled[0]] } } }, (m) => m.type === 'unsubscribed');
    expect(gone.data.event_ids).toHaveLength(3);
    const more = await subscribe(c, settled.slice(4, 6));
    expect(more.type).toBe('subscribed');
    expect(more.data.event_ids).toHaveLength(5);
  });

  it('bounds how fast a session cycles through ids: new ones a minute, replays of watched ones free', async () => {
    const { served: s } = await serve({ webSocketLimits: { maxWatchedIds: 5, newIdsPerMinute: 6 } });
    const c = await connect(s.wsUrl);
    await c.waitFor((m) => m.type === 'connection_status');
    expect((await subscribe(c, settled.slice(0, 4))).type).toBe('subscribed');
    for (let i = 0; i < 5; i += 1) expect((await subscribe(c, settled.slice(0, 4), [], 0)).type).toBe('subscribed');
    await c.request({ type: 'unsubscribe', data: {} }, (m) => m.type === 'unsubscribed');
    const refused = await subscribe(c, settled.slice(4, 7));
    expect(refused).toMatchObject({
      type: 'error',
      data: {
        error_code: 'RATE_LIMIT_EXCEEDED',
        details: { limit: 'new_ids_per_minute', max: 6, requested_ids: 3, retry_after_ms: expect.any(Number) },
      },
    });
    const fits = await subscribe(c, settled.slice(4, 6));
    expect(fits.type).toBe('subscribed');
    expect(fits.data.event_ids).toEqual(settled.slice(4, 6));
  });

  it('bounds the event queries of 5 sockets re-subscribing 200 ids with since_seq 10 times a second', async () => {
    // Every subscribe may name its 200 ids anew: only the coalescing is measured here.
    const { app, served: s } = await serve({ webSocketLimits: { maxWatchedIds: 200, newIdsPerMinute: 1_000_000 } });
    // 10 closed histories, 90 unknown distributions, 100 unknown deployments: 200 ids.
    const eventIds = [...settled, ...Array.from({ length: 90 }, (_, i) => `evt-unknown-${i}`)];
    const deploymentIds = Array.from({ length: 100 }, (_, i) => `dep_unknown${i}`);
    const sockets = await Promise.all(Array.from({ length: 5 }, () => connect(s.wsUrl)));
    await Promise.all(sockets.map((c) => c.waitFor((m) => m.type === 'connection_status')));
    const before = app.eventHub.queries;
    const began = Date.now();
    const message = {
      type: 'subscribe',
      data: { event_types: ['distribution_event'], filters: { event_ids: eventIds, deployment_ids: deploymentIds }, since_seq: 0 },
    };
    for (let tick = 0; tick < 20; tick += 1) {
      for (const c of sockets) c.send(message);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const acks = (c: WsTestClient) => c.messages.filter((m) => m.type === 'subscribed').length;
    // Every socket's last subscribe is answered (the inbound rate may drop a few of the 100).
    await expect.poll(() => sockets.every((c) => acks(c) >= 15), { timeout: 15_000, interval: 100 }).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const seconds = (Date.now() - began) / 1000;
    const queries = app.eventHub.queries - before;
    const subscribes = sockets.reduce((n, c) => n + acks(c), 0);
    // Restarting a query per id per subscribe would be 200 a message; here the 10 closed histories
    // are read once (their feeds outlive their watchers), and each unknown id is asked about at
    // most once a second (its 404 is kept that long), whatever the number of sockets and messages.
    const bound = settled.length + 190 * (Math.ceil(seconds) + 1);
    console.log(
      `amplification: ${subscribes} subscribes of 200 ids in ${seconds.toFixed(1)} s → ${queries} event queries (bound ${bound}; without coalescing ${subscribes * 200})`,
    );
    expect(subscribes).toBeGreaterThanOrEqual(75);
    expect(queries).toBeLessThanOrEqual(bound);
    expect(queries).toBeLessThan((subscribes * 200) / 10);
    // The replays are sent (events of the closed distributions flow, at the outbound rate).
    for (const c of sockets)
      expect(c.messages.some((m) => m.type === 'distribution_event' && settled.includes(m.data.event_id))).toBe(true);
    // And replaying the closed histories once more, from every socket, starts no query at all.
    const replayBefore = app.eventHub.queries;
    await Promise.all(sockets.map((c) => subscribe(c, settled, [], 0).then((ack) => expect(ack.type).toBe('subscribed'))));
    expect(app.eventHub.queries - replayBefore).toBe(0);
  });

  it('with the default limits, refuses the 200-id subscribe whole, at no query', async () => {
    const { app, served: s } = await serve({});
    const c = await connect(s.wsUrl);
    await c.waitFor((m) => m.type === 'connection_status');
    const before = app.eventHub.queries;
    const ids = Array.from({ length: 100 }, (_, i) => `x${i}`);
    const refused = await subscribe(c, ids, ids, 0);
    expect(refused.data).toMatchObject({
      error_code: 'RATE_LIMIT_EXCEEDED',
      details: { limit: 'max_watched_ids', max: 100, requested_ids: 200 },
    });
    expect(app.eventHub.queries).toBe(before);
  });

  it('opens /ws with a stream token of scope ws; with keys in URLs off, refuses raw keys there', async () => {
    const { app, served: s } = await serve({ keysInUrls: false });
    const token = async (scope: string) => {
      const res = await app.request('/api/v1/stream-tokens', {
        method: 'POST',
        headers: { ...authHeader('viewer'), 'content-type': 'application/json' },
        body: JSON.stringify({ scope }),
      });
      expect(res.status).toBe(200);
      return ((await json(res)) as { data: { token: string } }).data.token;
    };
    const wsToken = await token('ws');
    const viaToken = await connect(`${s.wsUrl}?token=${encodeURIComponent(wsToken)}`, {});
    expect(await viaToken.waitFor((m) => m.type === 'connection_status')).toMatchObject({ data: { status: 'connected', role: 'viewer' } });
    // The header still works; a raw key or another scope's token in the URL does not.
    expect((await (await connect(s.wsUrl)).waitFor((m) => m.type === 'connection_status')).type).toBe('connection_status');
    for (const credential of [TEST_KEYS.viewer, await token(`distribution:${settled[0]}`)]) {
      const refused = await connect(`${s.wsUrl}?token=${encodeURIComponent(credential)}`, {});
      expect((await refused.closed).code).toBe(1008);
      expect(refused.messages).toEqual([
        expect.objectContaining({ type: 'error', data: expect.objectContaining({ error_code: 'AUTHENTICATION_REQUIRED' }) }),
      ]);
    }

    // SSE: a raw key in ?token= is refused in the route's shape; the stream's own token opens it.
    const stream = (credential: string) => app.request(`/api/distribution/${settled[0]}/events?token=${encodeURIComponent(credential)}`);
    const byKey = await stream(TEST_KEYS.viewer);
    expect(byKey.status).toBe(401);
    expect(await json(byKey)).toMatchObject({
      error: 'UNAUTHORIZED',
      message: expect.stringContaining('API keys are not accepted in URLs'),
    });
    const byToken = await stream(await token(`distribution:${settled[0]}`));
    expect(byToken.status).toBe(200);
    expect(new TextDecoder().decode((await byToken.body!.getReader().read()).value)).toContain('event: connected');
  });
});
