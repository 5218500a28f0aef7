// The access log: one pino line per request with its id, key label, route template, status and
// duration, through the real app and the process's logger (with its redaction). Query strings and
// headers never reach it: a `?token=` and an Authorization header are fed in and searched for.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../common/logger.js';
import { authHeader, buildTestApp, TEST_KEYS } from './support/api.js';
import { connectClient, uniqueTaskQueue } from './support/temporal.js';

function captureLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { logger: createLogger('info', 'switchyard', stream), lines };
}

describe('access log', () => {
  let temporal: Awaited<ReturnType<typeof connectClient>>;
  beforeAll(async () => {
    temporal = await connectClient();
  });
  afterAll(async () => temporal?.close());

  it('logs one line per request with id, key label, route template, status and duration', async () => {
    const { logger, lines } = captureLogger();
    const app = buildTestApp(temporal.client, uniqueTaskQueue('access-log'), { logger });

    const res = await app.request('/api/v1/deploy/dep_nosuchdep0/result', { headers: authHeader('viewer') });
    expect(res.status).toBe(400); // the seed's answer to an unknown id
    const requestId = res.headers.get('x-request-id');
    expect(requestId).toBeTruthy();

    const access = lines.map((line) => JSON.parse(line)).filter((entry) => entry.msg === 'request');
    expect(access).toHaveLength(1);
    expect(access[0]).toMatchObject({ requestId, method: 'GET', route: '/api/v1/deploy/:id/result', status: 400, key: 'test viewer' });
    expect(access[0].durationMs).toEqual(expect.any(Number));
    expect(access[0].durationMs).toBeGreaterThanOrEqual(0);
    expect(JSON.stringify(access[0])).not.toContain('dep_nosuchdep0');
  });

  it('leaves the key out when unauthenticated, and logs refusals too', async () => {
    const { logger, lines } = captureLogger();
    const app = buildTestApp(temporal.client, uniqueTaskQueue('access-log'), { logger });

    expect((await app.request('/livez')).status).toBe(200);
    expect((await app.request('/api/v1/deployments')).status).toBe(401);
    const access = lines.map((line) => JSON.parse(line)).filter((entry) => entry.msg === 'request');
    expect(access.map((entry) => [entry.route, entry.status])).toEqual([
      ['/livez', 200],
      ['/api/v1/deployments', 401],
    ]);
    for (const entry of access) expect(entry).not.toHaveProperty('key');
  });

  it('never logs the query string or the Authorization header', async () => {
    const { logger, lines } = captureLogger();
    const app = buildTestApp(temporal.client, uniqueTaskQueue('access-log'), { logger });
    const queryToken = 'query-secret-token-5f2c9a';

    // A key in the URL on an SSE route (allowed there), an Authorization header, and a bogus one.
    const sse = await app.request(`/api/v1/deploy/missing/events?token=${TEST_KEYS.admin}&other=${queryToken}`);
    await sse.body?.cancel();
    await app.request(`/api/v1/deploy/missing/result?token=${queryToken}`, { headers: authHeader('admin') });
    await app.request(`/api/v1/deployments?token=${queryToken}`, { headers: { authorization: `Bearer ${queryToken}` } });
    await app.request(`/no-such-route?token=${queryToken}`);

    expect(lines.filter((line) => JSON.parse(line).msg === 'request')).toHaveLength(4);
    for (const line of lines) {
      expect(line).not.toContain(queryToken);
      expect(line).not.toContain(TEST_KEYS.admin);
      expect(line).not.toContain('token=');
      expect(line.toLowerCase()).not.toContain('bearer');
    }
  });
});
