// Every failure reaches the client in the seed's error shape with a 4xx (or a 500 with no
// internals): validation errors, malformed JSON, unknown routes, auth, uncaught exceptions.
import { createRoute, z } from '@hono/zod-openapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireRole } from '../api/auth.js';
import { errorBody } from '../api/errors.js';
import { json } from './support/http.js';
import { authHeader, buildTestApp, testKeyRing } from './support/api.js';
import { connectClient, uniqueTaskQueue } from './support/temporal.js';

const PANDA_ERROR_KEYS = ['timestamp', 'status', 'error', 'message'];

describe('API error handling', () => {
  let temporal: Awaited<ReturnType<typeof connectClient>>;
  let app: ReturnType<typeof buildTestApp>;

  beforeAll(async () => {
    temporal = await connectClient();
    app = buildTestApp(temporal.client, uniqueTaskQueue('api-errors'));
    // A route that exercises the app's validation and error machinery: the handlers under test
    // are the app's own (defaultHook, onError, notFound), this route only feeds them input.
    app.openapi(
      createRoute({
        method: 'post',
        path: '/api/v1/echo',
        request: {
          body: { required: true, content: { 'application/json': { schema: z.object({ count: z.number().int(), name: z.string() }) } } },
        },
        responses: { 200: { description: 'echo' } },
      }),
      (c) => c.json(c.req.valid('json'), 200),
    );
    app.post('/api/v1/approvals-only', requireRole(testKeyRing(), 'approver'), (c) => c.json({ ok: true }));
    app.get('/api/v1/boom', () => {
      throw new Error('secret internals: db=postgres://user:hunter2@db');
    });
  });
  afterAll(async () => temporal?.close());

  const post = (body: string) => app.request('/api/v1/echo', { method: 'POST', body, headers: { 'content-type': 'application/json' } });

  it('accepts a valid body', async () => {
    const res = await post('{"count":1,"name":"a"}');
    expect(res.status).toBe(200);
  });

  it('rejects malformed JSON with 400 in the seed shape', async () => {
    const res = await post('{"count": 1,');
    expect(res.status).toBe(400);
    const body = await json(res);
    expect(Object.keys(body)).toEqual(expect.arrayContaining(PANDA_ERROR_KEYS));
    expect(body.status).toBe(400);
    expect(body.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
  });

  it('rejects a wrong type with 400 naming the field', async () => {
    const res = await post('{"count":"one","name":"a"}');
    expect(res.status).toBe(400);
    const body = await json(res);
    expect(body).toMatchObject({ status: 400, error: 'Bad Request' });
    expect(body.message).toContain('count');
    expect(body.details.errors[0].field).toBe('count');
  });

  it('answers an unknown route with 404 in the seed shape', async () => {
    const res = await app.request('/api/v1/does-not-exist');
    expect(res.status).toBe(404);
    expect(await json(res)).toMatchObject({ status: 404, error: 'Not Found' });
  });

  it('uses the Distribution Service ErrorResponse shape under /api/distribution', async () => {
    const res = await app.request('/api/distribution/nothing/here');
    expect(res.status).toBe(404);
    const body = await json(res);
    expect(body).toMatchObject({ error: 'NOT_FOUND' });
    expect(new Date(body.timestamp).toISOString()).toBe(body.timestamp);
  });

  it('turns an uncaught exception into a 500 UNEXPECTED_ERROR without internals', async () => {
    const res = await app.request('/api/v1/boom');
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('at ');
    expect(JSON.parse(text)).toMatchObject({ status: 500, errorCode: 'UNEXPECTED_ERROR', exceptionClass: 'Error' });
  });

  it('answers a missing key with 401 and a weak role with 403, in the seed shape', async () => {
    const missing = await app.request('/api/v1/system/worker-probe', { method: 'POST' });
    expect(missing.status).toBe(401);
    expect(await json(missing)).toMatchObject({ status: 401, error: 'Unauthorized' });
    const wrong = await app.request('/api/v1/system/worker-probe', {
      method: 'POST',
      headers: { authorization: 'Bearer not-a-real-key-at-all' },
    });
    expect(wrong.status).toBe(401);
    const viewer = await app.request('/api/v1/approvals-only', { method: 'POST', headers: authHeader('viewer') });
    expect(viewer.status).toBe(403);
    expect(await json(viewer)).toMatchObject({ status: 403, error: 'Forbidden' });
    for (const role of ['approver', 'admin'] as const) {
      const allowed = await app.request('/api/v1/approvals-only', { method: 'POST', headers: authHeader(role) });
      expect(allowed.status).toBe(200);
    }
    // /healthz and the docs stay public.
    expect((await app.request('/api-docs')).status).toBe(200);
    expect((await app.request('/swagger-ui.html')).status).toBe(200);
  });
});

describe('metrics', () => {
  it("exposes Prometheus text with request counts and the shared pollers' figures, without a key", async () => {
    const temporal = await connectClient();
    try {
      const app = buildTestApp(temporal.client, uniqueTaskQueue('api-errors-metrics'));
      await app.request('/healthz');
      await app.request('/api/v1/does-not-exist');
      const res = await app.request('/metrics');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = await res.text();
      expect(text).toContain('switchyard_build_info{version="test"} 1');
      expect(text).toMatch(/switchyard_http_requests_total\{method="GET",status="4xx"\} 1/);
      expect(text).toMatch(/switchyard_event_queries_total \d+/);
      expect(text).toMatch(/switchyard_websocket_clients 0/);
    } finally {
      await temporal.close();
    }
  });

  it('keeps the envelope keys: extras can never override status, timestamp, error or message', () => {
    const body = errorBody(
      400,
      'Not ready',
      { status: 'IN_PROGRESS', timestamp: 'x', error: 'y', message: 'z', deploymentStatus: 'IN_PROGRESS' },
      'Deployment Error',
    );
    expect(body).toMatchObject({ status: 400, error: 'Deployment Error', message: 'Not ready', deploymentStatus: 'IN_PROGRESS' });
    expect((body as { timestamp: string }).timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
  });
});
