// Per-key limits on the HTTP API, against the real Temporal dev server and a sandbox worker: a
// key over its rate gets 429 with Retry-After in the route's own error shape (Panda under /api/v1,
// the Distribution Service's under /api/distribution) and its request does nothing; a key holding
// its cap of open SSE streams gets 429 until one closes; the worker probe is an admin's.
import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distributionWorkflowId } from '../../workflows/distribution/types.js';
import type { TEST_KEYS } from '../support/api.js';
import { authHeader, buildTestApp } from '../support/api.js';
import { json } from '../support/http.js';
import { serveApp, type ServedApp } from '../support/http-server.js';
import { connectClient, startSandboxWorker, uniqueTaskQueue, type SandboxWorker } from '../support/temporal.js';

const DISTRIBUTION_SETTINGS = { retryWindowMs: 600_000, retryBackoffMs: 100, syncWaitMs: 0 };

describe('per-key limits on HTTP', () => {
  const taskQueue = uniqueTaskQueue('limits-http');
  let temporal: Awaited<ReturnType<typeof connectClient>>;
  let worker: SandboxWorker;

  beforeAll(async () => {
    temporal = await connectClient();
    worker = await startSandboxWorker(taskQueue);
  });
  afterAll(async () => {
    await worker?.stop();
    await temporal?.close();
  });

  const distributeBody = (eventId: string, latencyMs = 50) =>
    JSON.stringify({
      eventId,
      channels: [{ type: 'NAVER_BLOG', config: { latencyMs } }],
      contentUrls: { naverBlog: 'https://cdn.example.com/n.jpg' },
    });
  const exists = (eventId: string) =>
    temporal.client.workflow
      .getHandle(distributionWorkflowId(eventId))
      .describe()
      .then(
        () => true,
        (error: unknown) => {
          if (error instanceof WorkflowNotFoundError) return false;
          throw error;
        },
      );
  const retryAfterOf = (res: Response) => Number(res.headers.get('retry-after'));

  it("answers 429 with Retry-After in each route's shape past a key's rate, per class and per key", async () => {
    const app = buildTestApp(temporal.client, taskQueue, {
      distribution: DISTRIBUTION_SETTINGS,
      limits: { ratePerMinute: { read: 3, write: 2, start: 1 }, sseStreamsPerKey: 0 },
    });
    for (let i = 0; i < 3; i += 1) expect((await app.request('/api/v1/me', { headers: authHeader('viewer') })).status).toBe(200);
    const panda = await app.request('/api/v1/me', { headers: authHeader('viewer') });
    expect(panda.status).toBe(429);
    // 3 a minute: the next one is earned within 20 s.
    expect(retryAfterOf(panda)).toBeGreaterThanOrEqual(1);
    expect(retryAfterOf(panda)).toBeLessThanOrEqual(20);
    expect(await json(panda)).toMatchObject({
      status: 429,
      error: 'Too Many Requests',
      message: expect.stringContaining('at most 3 a minute'),
      errorCode: 'RATE_LIMIT_EXCEEDED',
      routeClass: 'read',
      limitPerMinute: 3,
      timestamp: expect.any(String),
    });
    // The same key's reads under /api/distribution: the same bucket, the Distribution Service's shape.
    const distribution = await app.request('/api/distribution', { headers: authHeader('viewer') });
    expect(distribution.status).toBe(429);
    expect(retryAfterOf(distribution)).toBeGreaterThanOrEqual(1);
    expect(await json(distribution)).toMatchObject({
      error: 'TOO_MANY_REQUESTS',
      message: expect.stringContaining('read requests'),
      timestamp: expect.any(String),
      details: { errorCode: 'RATE_LIMIT_EXCEEDED', routeClass: 'read', retryAfterSeconds: expect.any(Number) },
    });
    // Another key, and the same key's other classes, are untouched.
    expect((await app.request('/api/v1/me', { headers: authHeader('deployer') })).status).toBe(200);
    const token = () =>
      app.request('/api/v1/stream-tokens', {
        method: 'POST',
        headers: { ...authHeader('viewer'), 'content-type': 'application/json' },
        body: JSON.stringify({ scope: 'ws' }),
      });
    expect((await token()).status).toBe(200);
    expect((await token()).status).toBe(200);
    expect((await token()).status).toBe(429);

    // Starts: the first distribution starts, the next is refused and starts nothing.
    const post = (eventId: string) =>
      app.request('/api/distribution/distribute', {
        method: 'POST',
        headers: { ...authHeader('deployer'), 'content-type': 'application/json' },
        body: distributeBody(eventId),
      });
    const first = `evt-${randomUUID().slice(0, 8)}`;
    const second = `evt-${randomUUID().slice(0, 8)}`;
    expect((await post(first)).status).toBe(202);
    const refused = await post(second);
    expect(refused.status).toBe(429);
    expect(retryAfterOf(refused)).toBeGreaterThanOrEqual(1);
    expect(await json(refused)).toMatchObject({ error: 'TOO_MANY_REQUESTS', details: { routeClass: 'start', limitPerMinute: 1 } });
    expect(await exists(first)).toBe(true);
    expect(await exists(second)).toBe(false);
    // Deploy starts share the class: refused before anything is read or started.
    const deploy = await app.request('/api/v1/deploy', {
      method: 'POST',
      headers: { ...authHeader('deployer'), 'content-type': 'application/json' },
      body: '{}',
    });
    expect(deploy.status).toBe(429);
    expect(await json(deploy)).toMatchObject({ status: 429, routeClass: 'start' });
  });

  it("without limits configured (tests, the bench's in-process apps), nothing is refused", async () => {
    const app = buildTestApp(temporal.client, taskQueue);
    const answers = await Promise.all(Array.from({ length: 50 }, () => app.request('/api/v1/me', { headers: authHeader('viewer') })));
    expect(answers.every((res) => res.status === 200)).toBe(true);
  });

  describe('open SSE streams per key', () => {
    let app: ReturnType<typeof buildTestApp>;
    let served: ServedApp;
    let eventId: string;
    const open: AbortController[] = [];

    beforeAll(async () => {
      app = buildTestApp(temporal.client, taskQueue, {
        distribution: DISTRIBUTION_SETTINGS,
        limits: { ratePerMinute: { read: 0, write: 0, start: 0 }, sseStreamsPerKey: 2 },
      });
      served = await serveApp(app.fetch);
      eventId = `evt-${randomUUID().slice(0, 8)}`;
      // A distribution that stays in flight for the whole test: its streams stay open.
      const res = await fetch(`${served.url}/api/distribution/distribute`, {
        method: 'POST',
        headers: { ...authHeader('deployer'), 'content-type': 'application/json' },
        body: distributeBody(eventId, 30_000),
      });
      expect(res.status).toBe(202);
    });
    afterAll(async () => {
      for (const controller of open) controller.abort();
      await served?.close();
    });

    const openStream = async (path: string, role: keyof typeof TEST_KEYS = 'viewer') => {
      const controller = new AbortController();
      const res = await fetch(`${served.url}${path}`, { headers: authHeader(role), signal: controller.signal });
      if (res.status === 200) {
        open.push(controller);
        const reader = res.body!.getReader();
        const first = new TextDecoder().decode((await reader.read()).value);
        expect(first).toContain('event: connected');
      }
      return { res, close: () => controller.abort() };
    };
    const streams = () => app.keyLimiter!.streams.count('test viewer');

    it("refuses a key's stream past its cap in the route's shape, and frees the slot when a stream closes", async () => {
      const a = await openStream(`/api/distribution/${eventId}/events`);
      const b = await openStream(`/api/distribution/${eventId}/events`);
      expect([a.res.status, b.res.status]).toEqual([200, 200]);
      expect(streams()).toBe(2);

      const third = await openStream(`/api/distribution/${eventId}/events`);
      expect(third.res.status).toBe(429);
      expect(Number(third.res.headers.get('retry-after'))).toBe(5);
      expect(await json(third.res)).toMatchObject({
        error: 'TOO_MANY_REQUESTS',
        message: expect.stringContaining('2 open event streams'),
        details: { openStreams: 2, maxStreams: 2 },
      });
      // Deployment streams count against the same cap, refused in the Panda shape.
      const panda = await openStream('/api/v1/deploy/dep_whatever/events');
      expect(panda.res.status).toBe(429);
      expect(await json(panda.res)).toMatchObject({
        status: 429,
        error: 'Too Many Requests',
        errorCode: 'RATE_LIMIT_EXCEEDED',
        maxStreams: 2,
      });
      // Another key has its own streams.
      expect((await openStream(`/api/distribution/${eventId}/events`, 'deployer')).res.status).toBe(200);

      a.close();
      await expect.poll(streams, { timeout: 5_000, interval: 20 }).toBe(1);
      const again = await openStream(`/api/distribution/${eventId}/events`);
      expect(again.res.status).toBe(200);
      b.close();
      again.close();
      await expect.poll(streams, { timeout: 5_000, interval: 20 }).toBe(0);
    });

    it('gives back the slot of a request that opens no stream (unknown workflow, bad credentials)', async () => {
      for (let i = 0; i < 5; i += 1) {
        const missing = await fetch(`${served.url}/api/distribution/evt-missing-${i}/events`, { headers: authHeader('viewer') });
        expect(missing.status).toBe(404);
        await missing.arrayBuffer();
      }
      expect(streams()).toBe(0);
      const a = await openStream(`/api/distribution/${eventId}/events`);
      const b = await openStream(`/api/distribution/${eventId}/events`);
      expect([a.res.status, b.res.status]).toEqual([200, 200]);
      a.close();
      b.close();
      await expect.poll(streams, { timeout: 5_000, interval: 20 }).toBe(0);
    });
  });

  it("runs the worker probe for admins only: a viewer's call is refused and starts no workflow", async () => {
    const app = buildTestApp(temporal.client, taskQueue);
    const countProbes = () =>
      temporal.client.workflow.count(`WorkflowType = 'workerProbeWorkflow' AND TaskQueue = '${taskQueue}'`).then((c) => c.count);
    for (const role of ['viewer', 'deployer', 'approver'] as const) {
      const refused = await app.request('/api/v1/system/worker-probe', { method: 'POST', headers: authHeader(role) });
      expect(refused.status).toBe(403);
      expect(await json(refused)).toMatchObject({ status: 403, message: expect.stringContaining('role admin required') });
    }
    const allowed = await app.request('/api/v1/system/worker-probe', { method: 'POST', headers: authHeader('admin') });
    expect(allowed.status).toBe(200);
    // Visibility catches up with the admin's probe; the refused ones never existed.
    await expect.poll(countProbes, { timeout: 10_000, interval: 200 }).toBe(1);
  });
});
