// Replies to a client's own messages are plain seed frames, sent at once: a seed client (no
// `batch` capability) sending 40 pings at once sees 10 pongs and one RATE_LIMIT_EXCEEDED, each its
// own frame, and never a `batch` it could not read. Announcing the capability is acknowledged, and
// still never batches replies. No worker is needed: nothing here starts a workflow.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { authHeader, buildTestApp } from '../support/api.js';
import type { Json } from '../support/http.js';
import { connectClient, uniqueTaskQueue } from '../support/temporal.js';
import { serveWithWebSocket, type ServedWsApp } from './serve.js';
import { WsTestClient } from './ws-client.js';

describe('WebSocket replies', () => {
  let temporal: Awaited<ReturnType<typeof connectClient>>;
  let served: ServedWsApp;
  const clients: WsTestClient[] = [];

  beforeAll(async () => {
    temporal = await connectClient();
    const app = buildTestApp(temporal.client, uniqueTaskQueue('ws-replies'));
    served = await serveWithWebSocket(app.fetch, app.webSocket);
  });
  afterEach(async () => {
    const open = clients.splice(0);
    for (const c of open) c.close();
    await Promise.all(open.map((c) => c.closed));
  });
  afterAll(async () => {
    await served?.close();
    await temporal?.close();
  });

  const connect = async () => {
    const c = await WsTestClient.connect(served.wsUrl, authHeader('viewer'));
    clients.push(c);
    await c.waitFor((m) => m.type === 'connection_status');
    return c;
  };
  const ping = (i: number) => ({ type: 'ping', data: { client_time: new Date(Date.UTC(2024, 0, 1, 0, 0, i)).toISOString() } });
  const limited = (m: Json) => m.type === 'error' && m.data.error_code === 'RATE_LIMIT_EXCEEDED';

  /** 40 pings at once; returns the frames that answered them, once nothing more can come. */
  async function fortyPings(c: WsTestClient) {
    await new Promise((r) => setTimeout(r, 1100)); // the inbound window is empty
    const from = c.frames.length;
    const sentAt = Date.now();
    for (let i = 0; i < 40; i += 1) c.send(ping(i));
    await c.waitFor(limited, 5000);
    // Long enough for anything held back by a rate window to have come out.
    await new Promise((r) => setTimeout(r, 1500));
    return { frames: c.frames.slice(from), sentAt };
  }

  it('answers 40 pings from a seed client with exactly 10 plain pongs and one plain RATE_LIMIT_EXCEEDED, at once', async () => {
    const c = await connect();
    // The seed's own client_info (its example's fields): no capabilities, so nothing is batched.
    const ack = await c.request(
      {
        type: 'client_info',
        data: { client_id: 'dashboard_client_1', client_type: 'web_dashboard', user_agent: 'test', timestamp: new Date().toISOString() },
      },
      (m) => m.type === 'client_info_ack',
    );
    expect(ack.data).toMatchObject({ client_id: 'dashboard_client_1', capabilities: [] });

    const { frames, sentAt } = await fortyPings(c);
    expect(frames.map((f) => f.message.type)).toEqual([...Array<string>(10).fill('pong'), 'error']);
    expect(frames.map((f) => f.message.data.client_time).slice(0, 10)).toEqual([...Array(10).keys()].map((i) => ping(i).data.client_time));
    expect(frames[10]!.message).toMatchObject({
      type: 'error',
      client_id: 'dashboard_client_1',
      data: { error_code: 'RATE_LIMIT_EXCEEDED', details: { limit: 10, window_ms: 1000 }, timestamp: expect.any(String) },
    });
    // Not held for the broadcast window (5 a second): all 11 came together, well inside a second.
    expect(Math.max(...frames.map((f) => f.at)) - sentAt).toBeLessThan(700);
    expect(c.open).toBe(true);
  });

  it('acknowledges the batch capability, and still sends replies as plain frames', async () => {
    const c = await connect();
    const ack = await c.request(
      { type: 'client_info', data: { client_id: 'batching', capabilities: ['batch', 'telepathy'] } },
      (m) => m.type === 'client_info_ack',
    );
    expect(ack.data).toMatchObject({ client_id: 'batching', capabilities: ['batch'] });
    // The seed's `features` list works too; a later client_info without it turns batching off.
    const viaFeatures = await c.request(
      { type: 'client_info', data: { features: ['real_time_updates', 'batch'] } },
      (m) => m.type === 'client_info_ack',
    );
    expect(viaFeatures.data.capabilities).toEqual(['batch']);

    const { frames } = await fortyPings(c);
    expect(frames.map((f) => f.message.type)).toEqual([...Array<string>(10).fill('pong'), 'error']);

    const off = await c.request({ type: 'client_info', data: { client_id: 'batching' } }, (m) => m.type === 'client_info_ack');
    expect(off.data.capabilities).toEqual([]);
  });

  it('tells a client in connection_status that it may ask for batches', async () => {
    const c = await connect();
    expect(c.messages[0]!.data.features).toContain('batch');
  });
});
