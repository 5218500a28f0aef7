// Hostile and oversized input gets a clear 4xx in the route's seed shape, at once, and never
// reaches Temporal or a worker: bodies over the limit, over-long and control-character strings
// bound for search attributes and the visibility query, deep or large free-form JSON, probe URLs
// off the allowed hosts, undeclared methods (405 with Allow), and too many WebSocket discovery
// queries. No worker runs: nothing here may need one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, MAX_REQUEST_BYTES } from '../api/bounded-input.js';
import { authHeader, buildTestApp } from './support/api.js';
import { json, type Json } from './support/http.js';
import { connectClient, uniqueTaskQueue } from './support/temporal.js';

/** Each answer must come well within a second: refused at the door, not after a timeout inside. */
const ANSWER_WITHIN_MS = 1000;

describe('bounded input', () => {
  let temporal: Awaited<ReturnType<typeof connectClient>>;
  let app: ReturnType<typeof buildTestApp>;
  beforeAll(async () => {
    temporal = await connectClient();
    app = buildTestApp(temporal.client, uniqueTaskQueue('bad-input'), {
      deploy: {
        githubApiUrl: 'http://127.0.0.1:9',
        awsEndpoint: undefined,
        defaults: {
          target: {
            cluster: 'panda-cluster',
            service: 'panda-service',
            blueUrl: 'http://probe.internal:8080/blue',
            greenUrl: 'http://probe.internal:8080/green',
          },
          builder: 'github-actions',
          queueCapacity: 0,
          updateTimeoutMs: 30_000,
          probeHosts: ['green.example.com'],
          limits: { stageMs: 1000, totalMs: 1000, switchTimeoutMs: 1000, callMs: 1000, heartbeatMs: 1000 },
        },
      },
    });
  });
  afterAll(async () => {
    await temporal?.close();
  });

  async function send(
    path: string,
    init: RequestInit & { role?: Parameters<typeof authHeader>[0] } = {},
  ): Promise<{ status: number; body: Json; headers: Headers }> {
    const { role = 'admin', ...rest } = init;
    const started = performance.now();
    const res = await app.request(path, {
      ...rest,
      headers: { 'content-type': 'application/json', ...authHeader(role), ...(rest.headers as Record<string, string>) },
    });
    const elapsed = performance.now() - started;
    expect(elapsed, `${path} answered in ${elapsed.toFixed(0)} ms`).toBeLessThan(ANSWER_WITHIN_MS);
    return { status: res.status, body: await json(res), headers: res.headers };
  }
  const pandaError = (status: number) =>
    expect.objectContaining({ status, error: expect.any(String), message: expect.any(String), timestamp: expect.any(String) });
  const distributionError = (code: string) =>
    expect.objectContaining({ error: code, message: expect.any(String), timestamp: expect.any(String) });

  const deployBody = (extra: Record<string, unknown>) =>
    JSON.stringify({
      githubConnectionId: 'gh_a1b2c3d4e5',
      awsConnectionId: 'aws_f6g7h8i9j0',
      owner: 'acme',
      repo: 'shop',
      branch: 'main',
      ...extra,
    });

  it("refuses a body over the limit with 413, in each app's shape", async () => {
    const huge = 'x'.repeat(MAX_REQUEST_BYTES + 1);
    const deploy = await send('/api/v1/deploy', { method: 'POST', body: deployBody({ version: huge }) });
    expect(deploy.status).toBe(413);
    expect(deploy.body).toEqual(pandaError(413));
    const distribute = await send('/api/distribution/distribute', {
      method: 'POST',
      body: JSON.stringify({ eventId: 'evt-big', channels: [{ type: 'NAVER_BLOG', config: { text: huge } }], contentUrls: {} }),
    });
    expect(distribute.status).toBe(413);
    expect(distribute.body).toEqual(distributionError('PAYLOAD_TOO_LARGE'));
  });

  it('refuses over-long and control-character strings bound for search attributes and queries', async () => {
    for (const target of [
      { cluster: 'c'.repeat(3000) },
      { cluster: 'panda\u0000cluster' },
      { service: 'svc/../../x' },
      { codeDeployGroup: 'g'.repeat(101) },
    ]) {
      const res = await send('/api/v1/deploy', { method: 'POST', body: deployBody({ target }) });
      expect(res.status, JSON.stringify(target).slice(0, 80)).toBe(400);
      expect(res.body).toEqual(pandaError(400));
    }
    for (const version of ['v1\u0000', 'v1\nv2']) {
      const res = await send('/api/v1/deploy', { method: 'POST', body: deployBody({ version }) });
      expect(res.status).toBe(400);
    }
    // A viewer's list query: no NUL, no quotes, only the names' own alphabets reach visibility.
    for (const query of [
      'repository=acme%2Fshop%00',
      "repository=acme%2Fshop'%20OR%20'1'%3D'1",
      'service=panda%00cluster%2Fsvc',
      `repository=${'a'.repeat(300)}%2Fb`,
    ]) {
      const res = await send(`/api/v1/deployments?${query}`, { role: 'viewer' });
      expect(res.status, query).toBe(400);
      expect(res.body).toEqual(pandaError(400));
    }
    const id = await send(`/api/v1/deploy/${'d'.repeat(200)}/result`, { role: 'viewer' });
    expect(id.status).toBe(400);
  });

  it('refuses free-form config nested too deep or too large, without a stack overflow', async () => {
    // Written as text: even building it as an object and stringifying it would overflow the stack here.
    const deep = `${'['.repeat(100_000)}"leaf"${']'.repeat(100_000)}`;
    const nested = await send('/api/distribution/distribute', {
      method: 'POST',
      body: `{"eventId":"evt-deep","channels":[{"type":"NAVER_BLOG","config":{"deep":${deep}}}],"contentUrls":{}}`,
    });
    expect(nested.status).toBe(400);
    expect(nested.body).toEqual(distributionError('BAD_REQUEST'));
    expect(JSON.stringify(nested.body)).toContain(`${MAX_JSON_DEPTH} levels`);

    const wide = Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`k${i}`, 'v'.repeat(20)]));
    const large = await send('/api/distribution/distribute', {
      method: 'POST',
      body: JSON.stringify({ eventId: 'evt-wide', channels: [{ type: 'NAVER_BLOG', config: wide }], contentUrls: {} }),
    });
    expect(large.status).toBe(400);
    expect(JSON.stringify(large.body)).toContain('bytes as JSON');
  });

  it('takes probe URLs from a request only on allowed hosts (the worker fetches them)', async () => {
    for (const url of [
      'http://169.254.169.254/latest/meta-data/',
      'http://127.0.0.1:5432/',
      'file:///etc/passwd',
      'http://probe.internal.evil.com/',
    ]) {
      const res = await send('/api/v1/deploy', { method: 'POST', body: deployBody({ target: { greenUrl: url } }) });
      expect(res.status, url).toBe(400);
      expect(res.body).toEqual(pandaError(400));
    }
    // Allowed hosts pass this check (and fail later, on the made-up connection ids: 404, not 400 about the URL).
    for (const url of ['http://green.example.com/health', 'http://probe.internal:8080/other']) {
      const res = await send('/api/v1/deploy', { method: 'POST', body: deployBody({ target: { greenUrl: url } }) });
      expect(res.body.message, url).not.toContain('probe host');
    }
  });

  it("answers an undeclared method with 405 and Allow, in each app's shape", async () => {
    const panda = await send('/api/v1/deploy', { method: 'GET' });
    expect(panda.status).toBe(405);
    expect(panda.headers.get('allow')).toBe('POST');
    expect(panda.body).toEqual(pandaError(405));
    const result = await send('/api/v1/deploy/dep_0000000000/result', { method: 'DELETE' });
    expect(result.status).toBe(405);
    expect(result.headers.get('allow')).toBe('GET, HEAD');
    // DELETE /{eventId} matches too: "distribute" could be an event id.
    const distribution = await send('/api/distribution/distribute', { method: 'PUT' });
    expect(distribution.status).toBe(405);
    expect(distribution.headers.get('allow')).toBe('DELETE, POST');
    expect(distribution.body).toEqual(distributionError('METHOD_NOT_ALLOWED'));
    expect((await send('/api/v1/nothing-here')).status).toBe(404);
  });
});
