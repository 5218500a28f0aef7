// GET /ws end to end: a sandbox worker and the real app on a real Temporal server, served on a
// socket, driven by a real `ws` client. Events come from the same hub as SSE and must match it.
import { request as httpRequest } from 'node:http';
import { sandboxApiServices } from '../../emulators/wiring/services.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DeploymentService } from '../../api/deployments/deployment-service.js';
import { DistributionService } from '../../api/distributions/service.js';
import type { AppOptions } from '../../api/app-deps.js';
import { registerWebSocketRoutes, type WebSocketRoutes, type WsLimits } from '../../api/ws/routes.js';
import { createLogger } from '../../common/logger.js';
import { authHeader, buildTestApp, TEST_KEYS, testKeyRing } from '../support/api.js';
import { client } from '../support/deploy-flow.js';
import type { Json } from '../support/http.js';
import { readSse } from '../support/sse-client.js';
import { connectClient, startSandboxWorker, uniqueTaskQueue, type SandboxWorker } from '../support/temporal.js';
import { serveWithWebSocket, type ServedWsApp } from './serve.js';
import { WsTestClient } from './ws-client.js';

describe('WebSocket API (GET /ws)', () => {
  const taskQueue = uniqueTaskQueue('ws');
  let temporal: Awaited<ReturnType<typeof connectClient>>;
  let worker: SandboxWorker;
  let app: ReturnType<typeof buildTestApp>;
  let ws: WebSocketRoutes;
  let served: ServedWsApp;
  let api: ReturnType<typeof client>;
  let connection: { githubConnectionId: string; awsConnectionId: string };
  const clients: WsTestClient[] = [];

  const connect = async (role: keyof typeof TEST_KEYS, via: 'header' | 'query' = 'header') => {
    const c =
      via === 'header'
        ? await WsTestClient.connect(served.wsUrl, authHeader(role))
        : await WsTestClient.connect(`${served.wsUrl}?token=${TEST_KEYS[role]}`);
    clients.push(c);
    await c.waitFor((m) => m.type === 'connection_status');
    return c;
  };
  const deploymentEvents = (c: WsTestClient, id?: string): Json[] =>
    c.messages.filter((m) => m.type === 'deployment_event' && (id === undefined || m.data.deployment_id === id));
  const status = async (id: string) => (await api.result(id)).body.data?.status as string | undefined;

  /**
   * The app with GET /ws. Once api/app.ts wires the routes itself (`app.webSocket`, limits from
   * `webSocketLimits`), that instance is used; until then the routes are registered here.
   */
  function appWithWebSocket(limits: Partial<WsLimits>) {
    const built = buildTestApp(
      temporal.client,
      taskQueue,
      { webSocketLimits: limits } as Partial<AppOptions> & { webSocketLimits: Partial<WsLimits> },
      worker,
    );
    const wired = (built as { webSocket?: WebSocketRoutes }).webSocket;
    if (wired) return { app: built, ws: wired };
    const services = sandboxApiServices(worker.config, worker.sandbox);
    const routes = registerWebSocketRoutes(built, {
      keys: testKeyRing(),
      hub: built.eventHub,
      deployments: new DeploymentService(temporal.client, taskQueue, services.connections, services.deploy.defaults),
      distributions: new DistributionService(temporal.client, {
        taskQueue,
        retryWindowMs: 600_000,
        retryBackoffMs: 200,
        syncWaitMs: 0,
        updateTimeoutMs: 60_000,
      }),
      logger: createLogger('silent'),
      version: 'test',
      limits,
    });
    return { app: built, ws: routes };
  }

  beforeAll(async () => {
    temporal = await connectClient();
    worker = await startSandboxWorker(taskQueue);
    ({ app, ws } = appWithWebSocket({ discoveryIntervalMs: 300 }));
    served = await serveWithWebSocket(app.fetch, ws);
    api = client(app);
    connection = await api.connect();
  });
  afterEach(async () => {
    // Keys allow 5 connections each: every test closes what it opened.
    const open = clients.splice(0);
    for (const c of open) c.close();
    await Promise.all(open.map((c) => c.closed));
  });
  afterAll(async () => {
    await served?.close();
    await worker?.stop();
    await temporal?.close();
  });

  it('authenticates with the API keys: header or ?token=, and AUTHENTICATION_REQUIRED then close without one', async () => {
    const viaHeader = await connect('viewer');
    expect(viaHeader.messages[0]).toMatchObject({
      type: 'connection_status',
      data: {
        status: 'connected',
        server_version: 'test',
        client_count: expect.any(Number),
        uptime_seconds: expect.any(Number),
        features: expect.arrayContaining(['deployment_events']),
      },
      timestamp: expect.any(String),
    });
    const viaQuery = await connect('viewer', 'query');
    expect(viaQuery.messages[0].type).toBe('connection_status');

    for (const headers of [{}, { authorization: 'Bearer not-a-key' }] as Record<string, string>[]) {
      const anonymous = await WsTestClient.connect(served.wsUrl, headers);
      const closed = await anonymous.closed;
      expect(closed.code).toBe(1008);
      expect(anonymous.messages).toEqual([
        expect.objectContaining({ type: 'error', data: expect.objectContaining({ error_code: 'AUTHENTICATION_REQUIRED' }) }),
      ]);
    }

    const plain = await fetch(`${served.url}/ws`, { headers: authHeader('viewer') });
    expect(plain.status).toBe(426);

    // At most 5 connections per key: the 6th is told why and closed.
    const five = await Promise.all([1, 2, 3, 4, 5].map(() => connect('deployer')));
    const sixth = await WsTestClient.connect(served.wsUrl, authHeader('deployer'));
    expect((await sixth.closed).code).toBe(1008);
    expect(sixth.messages[0].data).toMatchObject({ error_code: 'RATE_LIMIT_EXCEEDED', details: { limit: 'connections_per_key', max: 5 } });
    for (const c of five) c.close();
    await Promise.all(five.map((c) => c.closed));
  });

  it('answers bad messages with the seed error and keeps the connection open', async () => {
    const c = await connect('viewer');
    const error = (code: string) => (m: Json) => m.type === 'error' && m.data.error_code === code;

    const malformed = await c.request('{"type": "ping", "data": ', error('INVALID_MESSAGE_FORMAT'));
    expect(malformed.data).toMatchObject({
      error_message: expect.any(String),
      details: { expected_fields: ['type', 'data'] },
      timestamp: expect.any(String),
    });
    expect((await c.ping()).data).toMatchObject({
      client_time: expect.any(String),
      server_time: expect.any(String),
      latency_ms: expect.any(Number),
    });

    const unknown = await c.request(
      { type: 'service_control', data: { service_id: 'x', action: 'restart' } },
      error('UNKNOWN_MESSAGE_TYPE'),
    );
    expect(unknown.data.details.received_type).toBe('service_control');
    await c.ping();

    const noData = await c.request({ type: 'subscribe' }, error('INVALID_MESSAGE_FORMAT'));
    expect(noData.data.details.issues.join()).toContain('data');
    const badFilter = await c.request(
      { type: 'subscribe', data: { event_types: ['deployment_event'], filters: { deployment_ids: 'dep_x' } } },
      error('INVALID_MESSAGE_FORMAT'),
    );
    expect(badFilter.data.details.issues.join()).toContain('filters.deployment_ids');

    const big = JSON.stringify({ type: 'ping', data: { pad: 'x'.repeat(1024 * 1024) } });
    const oversized = await c.request(big, error('INVALID_MESSAGE_FORMAT'));
    expect(oversized.data.details).toMatchObject({ max_bytes: 1024 * 1024, received_bytes: Buffer.byteLength(big) });
    expect(c.open).toBe(true);

    // Let the window empty, then a burst of 15 within a second: 10 pass, the rest are refused once.
    await new Promise((r) => setTimeout(r, 1100));
    const from = c.messages.length;
    for (let i = 0; i < 15; i += 1) c.send({ type: 'ping', data: { client_time: new Date().toISOString() } });
    const limited = await c.waitFor(error('RATE_LIMIT_EXCEEDED'), 5000, from);
    expect(limited.data.details).toMatchObject({ limit: 10, window_ms: 1000 });
    await new Promise((r) => setTimeout(r, 1100));
    const pongs = c.messages.slice(from).filter((m) => m.type === 'pong');
    expect(pongs.length).toBe(10);
    expect(c.open).toBe(true);
    expect((await c.ping()).type).toBe('pong');
  });

  it("accepts the seed's own subscribe and unsubscribe examples, verbatim, mapping its event type names", async () => {
    const c = await connect('viewer');
    // Copied verbatim from the seed (websocket-api.md, "구독 요청 (subscribe)" and "구독 해제 (unsubscribe)").
    const seedSubscribe = `{
    "type": "subscribe",
    "data": {
        "event_types": [
            "status_update",
            "service_event",
            "alert"
        ],
        "filters": {
            "service_ids": ["posco_news", "github_pages"],
            "alert_levels": ["warning", "error", "critical"],
            "log_levels": ["INFO", "WARNING", "ERROR"]
        }
    },
    "timestamp": "2024-01-01T12:00:00Z"
}`;
    const seedUnsubscribe = `{
    "type": "unsubscribe",
    "data": {
        "event_types": [
            "log_update"
        ]
    },
    "timestamp": "2024-01-01T12:00:00Z"
}`;
    const ack = (type: string) => (m: Json) => m.type === type || m.type === 'error';
    const subscribed = await c.request(seedSubscribe, ack('subscribed'));
    expect(subscribed.type).toBe('subscribed');
    expect([...subscribed.data.event_types].sort()).toEqual(['alert', 'deployment_event']);
    expect(subscribed.data.alert_levels).toEqual(['warning', 'error', 'critical']);
    expect(subscribed.data.warnings).toBeUndefined();

    const unsubscribed = await c.request(seedUnsubscribe, ack('unsubscribed'));
    expect(unsubscribed.type).toBe('unsubscribed');
    expect(unsubscribed.data.unknown_event_types).toEqual(['log_update']);
    expect(unsubscribed.data.warnings.join()).toContain('log_update');
    expect([...unsubscribed.data.event_types].sort()).toEqual(['alert', 'deployment_event']); // the valid ones stay

    // Unknown names next to known ones: the known are subscribed, the unknown named in a warning.
    const mixed = await c.request({ type: 'subscribe', data: { event_types: ['distribution_event', 'log_update'] } }, ack('subscribed'));
    expect(mixed.type).toBe('subscribed');
    expect(mixed.data.event_types).toContain('distribution_event');
    expect(mixed.data.unknown_event_types).toEqual(['log_update']);
  });

  let firstId: string;

  it('streams exactly the SSE events of a watched deployment, alerts on approval, and switches only for an approver', async () => {
    const started = await api.deploy(connection, { version: 'v1.0.0' });
    expect(started.status).toBe(200);
    firstId = started.body.data.deploymentId;

    const watcher = await connect('viewer');
    const ack = await watcher.request(
      {
        type: 'subscribe',
        data: { event_types: ['deployment_event', 'alert'], filters: { deployment_ids: [firstId] } },
        timestamp: new Date().toISOString(),
      },
      (m) => m.type === 'subscribed',
    );
    expect(ack.data).toMatchObject({ deployment_ids: [firstId], event_types: ['deployment_event', 'alert'] });

    const approval = await watcher.waitFor((m) => m.type === 'alert', 30_000);
    // Raised by the workflow's milestone, whatever the event's wording.
    expect(approval).toMatchObject({
      data: {
        level: 'warning',
        category: 'approval',
        title: `Deployment ${firstId} is waiting for approval`,
        metadata: { deployment_id: firstId, event_type: 'stage', details: { milestone: 'awaiting_decision' } },
      },
      broadcast_id: expect.any(String),
    });
    expect(await status(firstId)).toBe('DEPLOYMENT_READY');

    const viewer = await connect('viewer');
    const denied = await viewer.request(
      { type: 'deployment_control', data: { deployment_id: firstId, action: 'switch', request_id: 'r1' } },
      (m) => m.type === 'error',
    );
    expect(denied.data).toMatchObject({
      error_code: 'PERMISSION_DENIED',
      details: { required_role: 'approver', role: 'viewer', request_id: 'r1' },
    });
    const deployer = await connect('deployer');
    const alsoDenied = await deployer.request(
      { type: 'deployment_control', data: { deployment_id: firstId, action: 'switch' } },
      (m) => m.type === 'error',
    );
    expect(alsoDenied.data.error_code).toBe('PERMISSION_DENIED');
    await new Promise((r) => setTimeout(r, 300));
    expect(await status(firstId)).toBe('DEPLOYMENT_READY');

    const approver = await connect('approver');
    const switched = await approver.request(
      { type: 'deployment_control', data: { deployment_id: firstId, action: 'switch', request_id: 'r2' } },
      (m) => m.type === 'control_result',
      20_000,
    );
    expect(switched.data).toMatchObject({
      success: true,
      deployment_id: firstId,
      action: 'switch',
      request_id: 'r2',
      active_service: 'green',
    });
    const again = await approver.request(
      { type: 'deployment_control', data: { deployment_id: firstId, action: 'switch' } },
      (m) => m.type === 'control_result',
      20_000,
    );
    expect(again.data).toMatchObject({ success: false, status: 400, message: 'Traffic has already been switched to green' });

    await watcher.waitFor((m) => m.type === 'deployment_event' && m.data.event_type === 'success', 30_000);
    await expect.poll(() => status(firstId), { timeout: 10_000 }).toBe('COMPLETED');
    expect((await api.result(firstId)).body.data).toMatchObject({ approvedBy: 'test approver', decidedVia: 'websocket' });

    const sse = await readSse(`${served.url}/api/v1/deploy/${firstId}/events`, authHeader('viewer'), (m) =>
      m.some((x) => x.event === 'success'),
    );
    const fromSse = sse.messages
      .filter((m) => m.id !== undefined)
      .map((m) => ({ seq: Number(m.id), type: m.event, ...JSON.parse(m.data) }));
    const fromWs = deploymentEvents(watcher, firstId).map((m) => ({
      seq: m.data.seq,
      type: m.data.event_type,
      message: m.data.message,
      details: m.data.details,
    }));
    expect(fromWs).toEqual(fromSse.map(({ seq, type, message, details }) => ({ seq, type, message, details })));
    expect(fromWs.map((e) => e.seq)).toEqual(fromWs.map((_, i) => i + 1));
    expect(watcher.messages.filter((m) => m.type === 'alert')).toHaveLength(1);

    // A late subscriber asks for the history after a seq.
    const late = await connect('viewer');
    late.send({ type: 'subscribe', data: { event_types: ['deployment_event'], filters: { deployment_ids: [firstId] }, since_seq: 5 } });
    await late.waitFor((m) => m.type === 'deployment_event' && m.data.event_type === 'success', 10_000);
    expect(deploymentEvents(late).map((m) => m.data.seq)).toEqual(fromWs.slice(5).map((e) => e.seq));

    const missing = await late.request(
      { type: 'subscribe', data: { filters: { deployment_ids: ['dep_doesnotexist'] } } },
      (m) => m.type === 'error',
      10_000,
    );
    expect(missing.data).toMatchObject({ error_code: 'SERVICE_NOT_FOUND', details: { deployment_id: 'dep_doesnotexist' } });
  });

  it('keeps filters apart: a client watching another deployment gets none of these events; a service filter finds new ones', async () => {
    const other = await connect('viewer');
    other.send({ type: 'subscribe', data: { event_types: ['deployment_event', 'alert'], filters: { deployment_ids: [firstId] } } });
    const byService = await connect('viewer');
    await byService.request(
      {
        type: 'subscribe',
        data: { event_types: ['deployment_event', 'alert'], filters: { service_ids: [`panda-cluster/svc-${taskQueue}`] } },
      },
      (m) => m.type === 'subscribed',
    );

    const started = await api.deploy(connection);
    expect(started.status).toBe(200);
    const secondId: string = started.body.data.deploymentId;
    const watcher = await connect('viewer');
    watcher.send({ type: 'subscribe', data: { event_types: ['deployment_event', 'alert'], filters: { deployment_ids: [secondId] } } });
    await watcher.waitFor((m) => m.type === 'alert' && m.data.level === 'warning', 30_000);

    const approver = await connect('approver');
    const rolledBack = await approver.request(
      { type: 'deployment_control', data: { deployment_id: secondId, action: 'rollback', reason: 'ws test' } },
      (m) => m.type === 'control_result',
      20_000,
    );
    expect(rolledBack.data).toMatchObject({ success: true, action: 'rollback', rollback_deployment_id: null });
    const failed = await watcher.waitFor((m) => m.type === 'alert' && m.data.level === 'error', 30_000);
    expect(failed.data.metadata).toMatchObject({ deployment_id: secondId, event_type: 'fail' });
    await byService.waitFor((m) => m.type === 'deployment_event' && m.data.event_type === 'fail', 10_000);

    const seconds = deploymentEvents(watcher, secondId);
    expect(seconds.length).toBeGreaterThan(5);
    expect(deploymentEvents(other, secondId)).toEqual([]);
    expect(other.messages.filter((m) => m.type === 'alert' && m.data.metadata.deployment_id === secondId)).toEqual([]);
    expect(deploymentEvents(other).every((m) => m.data.deployment_id === firstId)).toBe(true);
    // The service filter saw the new deployment whole, and not the finished one.
    expect(deploymentEvents(byService).map((m) => m.data.seq)).toEqual(seconds.map((m) => m.data.seq));
    expect(deploymentEvents(byService, firstId)).toEqual([]);
  });

  /** The whole history of the first deployment, as SSE tells it: how many events a replay sends. */
  const historyLength = async () => {
    const sse = await readSse(`${served.url}/api/v1/deploy/${firstId}/events`, authHeader('viewer'), (m) =>
      m.some((x) => x.event === 'success'),
    );
    return sse.messages.filter((m) => m.id !== undefined).length;
  };
  const replayHistory = (c: WsTestClient) =>
    c.send({ type: 'subscribe', data: { event_types: ['deployment_event'], filters: { deployment_ids: [firstId] }, since_seq: 0 } });
  const isEvent = (m: Json) => m.type === 'deployment_event' || m.type === 'batch';
  /** No more than 5 broadcast frames in any second (on arrival: 50 ms of slack for delivery jitter). */
  const atMostFivePerSecond = (frames: { at: number; message: Json }[]) => {
    const broadcasts = frames.filter((f) => isEvent(f.message));
    for (const frame of broadcasts) {
      expect(broadcasts.filter((f) => f.at >= frame.at && f.at < frame.at + 950).length).toBeLessThanOrEqual(5);
    }
  };

  it('sends a seed client a broadcast burst as plain frames, in order, at most 5 a second, with its pongs not held behind them', async () => {
    const total = await historyLength();
    expect(total).toBeGreaterThan(5);
    const c = await connect('viewer');
    const fromFrame = c.frames.length;
    replayHistory(c);
    // Once the first events are out, the rest wait for the window; pings sent now are answered at once.
    await c.waitFor((m) => m.type === 'deployment_event' && m.data.deployment_id === firstId, 10_000);
    const pingedAt = Date.now();
    for (let i = 0; i < 9; i += 1) c.send({ type: 'ping', data: { client_time: new Date(Date.UTC(2024, 0, 1, 0, 0, i)).toISOString() } });
    await expect.poll(() => deploymentEvents(c, firstId).length, { timeout: 15_000 }).toBe(total);

    const frames = c.frames.slice(fromFrame);
    expect(frames.filter((f) => f.message.type === 'batch')).toEqual([]);
    const received = deploymentEvents(c, firstId);
    expect(received.map((m) => m.data.seq)).toEqual(received.map((_, i) => i + 1));
    atMostFivePerSecond(frames);
    // Every event in its own frame, so at least ceil(total / 5) - 1 seconds from first to last.
    const events = frames.filter((f) => f.message.type === 'deployment_event');
    expect(events).toHaveLength(total);
    expect(events.at(-1)!.at - events[0]!.at).toBeGreaterThanOrEqual((Math.ceil(total / 5) - 1) * 1000 - 50);

    const pongs = frames.filter((f) => f.message.type === 'pong');
    expect(pongs.map((f) => f.message.data.client_time)).toEqual(
      [...Array(9).keys()].map((i) => new Date(Date.UTC(2024, 0, 1, 0, 0, i)).toISOString()),
    );
    // The 6th event waited for the window; the pongs, sent after the 1st, did not wait behind it.
    const sixth = events[5]!;
    for (const pong of pongs) expect(pong.at).toBeLessThanOrEqual(sixth.at);
    expect(Math.max(...pongs.map((f) => f.at)) - pingedAt).toBeLessThan(700);
  });

  it('sends the waiting broadcasts in batch frames to a client that announced the batch capability', async () => {
    const total = await historyLength();
    const c = await connect('viewer');
    const ack = await c.request(
      { type: 'client_info', data: { client_id: 'batcher', capabilities: ['batch'] } },
      (m) => m.type === 'client_info_ack',
    );
    expect(ack.data.capabilities).toEqual(['batch']);
    const fromFrame = c.frames.length;
    replayHistory(c);
    await expect.poll(() => deploymentEvents(c, firstId).length, { timeout: 15_000 }).toBe(total);

    const received = deploymentEvents(c, firstId);
    expect(received.map((m) => m.data.seq)).toEqual(received.map((_, i) => i + 1));
    const frames = c.frames.slice(fromFrame);
    const batches = frames.filter((f) => f.message.type === 'batch').map((f) => f.message);
    expect(batches.length).toBeGreaterThan(0);
    for (const batch of batches) {
      expect(batch.data.count).toBe(batch.data.messages.length);
      expect(batch.data.messages.every((m: Json) => m.type === 'deployment_event')).toBe(true);
    }
    atMostFivePerSecond(frames);
    expect(frames.filter((f) => isEvent(f.message)).length).toBeLessThan(total);
  });

  it('closes a seed client that lets more broadcasts wait than allowed: RATE_LIMIT_EXCEEDED, then 1008', async () => {
    const total = await historyLength();
    // One broadcast a second and 2 may wait: the history (more than 5 events) overflows at once.
    const { app: slowApp, ws: slowWs } = appWithWebSocket({ outboundPerWindow: 1, maxQueuedBroadcasts: 2 });
    const slowServed = await serveWithWebSocket(slowApp.fetch, slowWs);
    try {
      const c = await WsTestClient.connect(slowServed.wsUrl, authHeader('viewer'));
      await c.waitFor((m) => m.type === 'connection_status');
      replayHistory(c);
      expect(await c.closed).toEqual({ code: 1008, reason: 'Client too slow: messages are piling up' });
      const error = c.messages.find((m) => m.type === 'error');
      expect(error?.data).toMatchObject({ error_code: 'RATE_LIMIT_EXCEEDED', details: { limit: 'queued_broadcasts', max: 2 } });
      // What it did get was plain and in order, and far less than the history.
      const events = c.frames.filter((f) => f.message.type === 'deployment_event').map((f) => f.message.data.seq);
      expect(events).toEqual(events.map((_, i) => i + 1));
      expect(events.length).toBeLessThan(total);
      expect(c.frames.some((f) => f.message.type === 'batch')).toBe(false);
      await expect.poll(() => slowWs.clientCount(), { timeout: 2000 }).toBe(0);
    } finally {
      await slowServed.close();
    }
  });

  it('streams a distribution by event id, and retry/cancel need a deployer key', async () => {
    const eventId = `evt-ws-${Date.now().toString(36)}`;
    const watcher = await connect('viewer');
    const started = await api.call(
      'POST',
      '/api/distribution/distribute',
      {
        eventId,
        channels: [
          { type: 'NAVER_BLOG', config: { latencyMs: 200 } },
          { type: 'INSTAGRAM', config: { caption: 'ws' } },
        ],
        contentUrls: { naverBlog: 'https://cdn.example.com/n.jpg', instagram: 'https://cdn.example.com/i.jpg' },
      },
      'deployer',
    );
    expect([200, 202]).toContain(started.status);
    watcher.send({ type: 'subscribe', data: { event_types: ['distribution_event'], filters: { event_ids: [eventId] } } });
    await watcher.waitFor(
      (m) => m.type === 'distribution_event' && (m.data.event_type === 'success' || m.data.event_type === 'fail'),
      20_000,
    );
    const seqs = watcher.messages.filter((m) => m.type === 'distribution_event').map((m) => m.data.seq);
    expect(seqs).toEqual(seqs.map((_: number, i: number) => i + 1));
    expect(watcher.messages.every((m) => m.type !== 'distribution_event' || m.data.event_id === eventId)).toBe(true);

    const denied = await watcher.request(
      { type: 'distribution_control', data: { event_id: eventId, action: 'retry', channels: ['NAVER_BLOG'] } },
      (m) => m.type === 'error',
    );
    expect(denied.data).toMatchObject({ error_code: 'PERMISSION_DENIED', details: { required_role: 'deployer' } });
    const deployer = await connect('deployer');
    const refused = await deployer.request(
      { type: 'distribution_control', data: { event_id: eventId, action: 'retry', channels: ['NAVER_BLOG'] } },
      (m) => m.type === 'control_result',
      20_000,
    );
    expect(refused.data).toMatchObject({ success: false, status: 400, event_id: eventId, action: 'retry' });
    const unknown = await deployer.request(
      { type: 'distribution_control', data: { event_id: 'evt-none', action: 'cancel' } },
      (m) => m.type === 'control_result',
      20_000,
    );
    expect(unknown.data).toMatchObject({ success: false, status: 404 });
  });

  it('checks Origin before the upgrade: same-origin or none by default, else SWITCHYARD_ALLOWED_ORIGINS; refused → 403', async () => {
    const host = new URL(served.url).host;
    const refused = (url: string, headers: Record<string, string>) =>
      expect(WsTestClient.connect(url, headers)).rejects.toThrow(/Unexpected server response: 403/);
    // No Origin (non-browser client), and the same origin: accepted.
    await connect('viewer');
    const same = await WsTestClient.connect(served.wsUrl, { ...authHeader('viewer'), Origin: `http://${host}` });
    clients.push(same);
    expect((await same.waitFor((m) => m.type === 'connection_status')).data.status).toBe('connected');
    await refused(served.wsUrl, { ...authHeader('viewer'), Origin: 'https://evil.example' });
    await refused(`${served.wsUrl}?token=${TEST_KEYS.viewer}`, { Origin: `http://${host}.evil.example` });

    const listed = buildTestApp(temporal.client, taskQueue, { allowedOrigins: ['https://console.example.com'] }, worker);
    const listedServed = await serveWithWebSocket(listed.fetch, listed.webSocket);
    try {
      const ok = await WsTestClient.connect(listedServed.wsUrl, { ...authHeader('viewer'), Origin: 'https://console.example.com' });
      await ok.waitFor((m) => m.type === 'connection_status');
      ok.close();
      await ok.closed;
      // With an allowlist, even the same origin must be listed.
      await refused(listedServed.wsUrl, { ...authHeader('viewer'), Origin: `http://${new URL(listedServed.url).host}` });
      // The refusal is a plain HTTP 403 before any upgrade (@hono/node-ws sends the status line only).
      const refusal = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = httpRequest(
          `${listedServed.url}/ws`,
          {
            headers: {
              ...authHeader('viewer'),
              Upgrade: 'websocket',
              Connection: 'Upgrade',
              Origin: 'https://evil.example',
              'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
              'Sec-WebSocket-Version': '13',
            },
          },
          (res) => {
            let body = '';
            res.on('data', (chunk: Buffer) => {
              body += chunk.toString('utf8');
            });
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          },
        );
        req.on('upgrade', () => reject(new Error('upgraded despite a foreign origin')));
        req.on('error', reject);
        req.end();
      });
      expect(refusal.status).toBe(403);
    } finally {
      await listedServed.close();
    }
  });

  it('closes a connection that stays idle longer than the idle timeout', async () => {
    const { app: idleApp, ws: idleWs } = appWithWebSocket({ idleTimeoutMs: 400, heartbeatMs: 100 });
    const idleServed = await serveWithWebSocket(idleApp.fetch, idleWs);
    try {
      const c = await WsTestClient.connect(idleServed.wsUrl, authHeader('viewer'));
      await c.waitFor((m) => m.type === 'connection_status');
      await new Promise((r) => setTimeout(r, 250));
      expect((await c.ping()).type).toBe('pong'); // activity resets the timer; heartbeats alone do not
      const started = Date.now();
      const closed = await c.closed;
      expect(closed).toEqual({ code: 1000, reason: 'Idle timeout' });
      expect(Date.now() - started).toBeGreaterThanOrEqual(300);
      await expect.poll(() => idleWs.clientCount(), { timeout: 2000 }).toBe(0);
    } finally {
      await idleServed.close();
    }
  });
});
