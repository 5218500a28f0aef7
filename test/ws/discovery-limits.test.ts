// Service/status subscriptions start visibility pollers: a session, and all sessions of one API key,
// may watch only so many distinct queries. A subscribe asking for more is refused whole with the
// seed's RATE_LIMIT_EXCEEDED and the limit, and changes nothing; what one session stops watching
// frees the key's share. No worker is needed: nothing here starts a workflow.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authHeader, buildTestApp } from '../support/api.js';
import type { Json } from '../support/http.js';
import { connectClient, uniqueTaskQueue } from '../support/temporal.js';
import { serveWithWebSocket, type ServedWsApp } from './serve.js';
import { WsTestClient } from './ws-client.js';

describe('WebSocket discovery limits', () => {
  let temporal: Awaited<ReturnType<typeof connectClient>>;
  let served: ServedWsApp;
  const clients: WsTestClient[] = [];

  beforeAll(async () => {
    temporal = await connectClient();
    const app = buildTestApp(temporal.client, uniqueTaskQueue('ws-discovery-limits'), {
      webSocketLimits: { discoveriesPerSession: 4, discoveriesPerKey: 6, discoveryIntervalMs: 60_000 },
    });
    served = await serveWithWebSocket(app.fetch, app.webSocket);
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await served?.close();
    await temporal?.close();
  });

  const connect = async (role: Parameters<typeof authHeader>[0]) => {
    const c = await WsTestClient.connect(served.wsUrl, authHeader(role));
    clients.push(c);
    await c.waitFor((m) => m.type === 'connection_status');
    return c;
  };
  // Services as cluster/service: their visibility queries run (and find nothing), no error of their own.
  const subscribe = (c: WsTestClient, services: string[], statuses: string[] = []) =>
    c.request(
      {
        type: 'subscribe',
        data: {
          event_types: ['deployment_event'],
          filters: { service_ids: services.map((s) => `limits/${s}`), ...(statuses.length ? { statuses } : {}) },
        },
      },
      (m: Json) => m.type === 'subscribed' || (m.type === 'error' && m.data.error_code === 'RATE_LIMIT_EXCEEDED'),
    );

  it('caps the queries of one session, refusing the whole subscribe', async () => {
    const c = await connect('viewer');
    // 3 services × 2 statuses = 6 queries > 4: refused, nothing watched.
    const refused = await subscribe(c, ['a', 'b', 'c'], ['IN_PROGRESS', 'FAILED']);
    expect(refused).toMatchObject({
      type: 'error',
      data: { error_code: 'RATE_LIMIT_EXCEEDED', details: { limit: 4, requested_queries: 6, watched_queries: 0 } },
    });
    const ok = await subscribe(c, ['a', 'b'], ['IN_PROGRESS', 'FAILED']);
    expect(ok.type, JSON.stringify(ok)).toBe('subscribed');
    expect(ok.data.discovery).toHaveLength(4);
    // The same queries again add nothing; one more is over the limit.
    expect((await subscribe(c, ['a'], ['IN_PROGRESS'])).type).toBe('subscribed');
    expect((await subscribe(c, ['z'])).data).toMatchObject({ error_code: 'RATE_LIMIT_EXCEEDED' });
    c.close();
  });

  it('caps the distinct queries of all sessions of one API key, and frees them when a session leaves', async () => {
    const first = await connect('deployer');
    const second = await connect('deployer');
    expect((await subscribe(first, ['k1', 'k2', 'k3', 'k4'])).type).toBe('subscribed');
    // A query another session of the key watches costs nothing more; new ones count towards its 6.
    expect((await subscribe(second, ['k1', 'k5', 'k6'])).type).toBe('subscribed');
    const over = await subscribe(second, ['k7']);
    expect(over.data).toMatchObject({ error_code: 'RATE_LIMIT_EXCEEDED', details: { limit: 'per key', watched_queries: 3 } });
    // Another key is not affected.
    expect((await subscribe(await connect('approver'), ['k7'])).type).toBe('subscribed');
    first.close();
    await expect.poll(async () => (await subscribe(second, ['k7'])).type, { timeout: 5_000, interval: 200 }).toBe('subscribed');
  });
});
