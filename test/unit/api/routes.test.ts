// The deploy and distribution routes through app.request(), with no server: keys and roles,
// the validation answers in each contract's error shape, and the OpenAPI document. The services
// behind the routes are typed fakes that record calls (route-app.ts): a refused request must
// reach none of them, which is what "nothing was started" means without Temporal.
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { bearer, routeApp } from './route-app.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const PANDA_ERROR_KEYS = ['timestamp', 'status', 'error', 'message'];
const DISTRIBUTION_ERROR_KEYS = ['error', 'message', 'timestamp'];

const DEPLOY = { githubConnectionId: 'gh_a1b2c3d4e5', awsConnectionId: 'aws_f6g7h8i9j0', owner: 'acme', repo: 'shop', branch: 'main' };
const DISTRIBUTE = { eventId: 'evt-1', channels: [{ type: 'NAVER_BLOG', config: {} }], contentUrls: {} };

function send(app: ReturnType<typeof routeApp>['app'], path: string, body: unknown, headers: Record<string, string> = {}) {
  return app.request(path, {
    method: 'POST',
    body: typeof body === 'string' ? body : JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...headers },
  });
}

async function json(res: Response): Promise<Json> {
  return (await res.json()) as Json;
}

describe('keys and roles', () => {
  it('answers a missing or unknown key with 401 in the Panda shape, and reaches no service', async () => {
    const { app, calls } = routeApp();
    const attempts: Record<string, string>[] = [
      {},
      { authorization: 'Bearer not-a-real-key-at-all' },
      { authorization: 'Basic dXNlcjpwYXNz' },
    ];
    for (const headers of attempts) {
      const res = await send(app, '/api/v1/deploy', DEPLOY, headers);
      expect(res.status).toBe(401);
      const body = await json(res);
      expect(Object.keys(body)).toEqual(expect.arrayContaining(PANDA_ERROR_KEYS));
      expect(body).toMatchObject({ status: 401, error: 'Unauthorized' });
      expect(JSON.stringify(body)).not.toContain('not-a-real-key');
    }
    expect(calls).toEqual([]);
  });

  it('answers a role too weak with 403, on deploy routes and distribution routes', async () => {
    const { app, calls } = routeApp();
    const deploy = await send(app, '/api/v1/deploy', DEPLOY, bearer('viewer'));
    expect(deploy.status).toBe(403);
    expect(await json(deploy)).toMatchObject({ status: 403, error: 'Forbidden' });
    const distribute = await send(app, '/api/distribution/distribute', DISTRIBUTE, bearer('viewer'));
    expect(distribute.status).toBe(403);
    const body = await json(distribute);
    expect(Object.keys(body)).toEqual(expect.arrayContaining(DISTRIBUTION_ERROR_KEYS));
    expect(body).not.toHaveProperty('status');
    expect(calls).toEqual([]);
  });

  it('answers a missing key under /api/distribution in the Distribution Service ErrorResponse shape', async () => {
    const { app, calls } = routeApp();
    const res = await send(app, '/api/distribution/distribute', DISTRIBUTE);
    expect(res.status).toBe(401);
    const body = await json(res);
    expect(Object.keys(body).sort()).toEqual([...DISTRIBUTION_ERROR_KEYS].sort());
    expect(new Date(body.timestamp as string).toISOString()).toBe(body.timestamp);
    expect(calls).toEqual([]);
  });

  it("lets a deployer through to the service, once, with the parsed request and the key's label", async () => {
    const { app, calls } = routeApp({ deployments: { start: async () => ({ outcome: 'started', deploymentId: 'dep_k1l2m3n4o5' }) } });
    const res = await send(app, '/api/v1/deploy', DEPLOY, bearer('deployer'));
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ code: 200, data: { deploymentId: 'dep_k1l2m3n4o5' } });
    expect(calls.map((c) => c.method)).toEqual(['deployments.start']);
    expect(calls[0]!.args[0]).toMatchObject(DEPLOY);
    expect(JSON.stringify(calls[0]!.args[1])).toContain('unit deployer');
  });
});

describe('validation', () => {
  it('refuses a bad deploy body with 400 naming each field, before any service', async () => {
    const { app, calls } = routeApp();
    const res = await send(app, '/api/v1/deploy', { ...DEPLOY, githubConnectionId: 'github-1', branch: 42 }, bearer('deployer'));
    expect(res.status).toBe(400);
    const body = await json(res);
    expect(Object.keys(body)).toEqual(expect.arrayContaining(PANDA_ERROR_KEYS));
    expect(body).toMatchObject({ status: 400, error: 'Bad Request' });
    expect(body.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
    const fields = (body.details.errors as { field: string }[]).map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['githubConnectionId', 'branch']));
    expect(body.message).toContain('must be a GitHub connection id');
    expect(calls).toEqual([]);
  });

  it('refuses malformed JSON and a missing body on deploy with 400', async () => {
    const { app, calls } = routeApp();
    const malformed = await send(app, '/api/v1/deploy', '{"owner": "acme",', bearer('deployer'));
    expect(malformed.status).toBe(400);
    expect(await json(malformed)).toMatchObject({ status: 400 });
    const empty = await app.request('/api/v1/deploy', { method: 'POST', headers: bearer('deployer') });
    expect(empty.status).toBe(400);
    expect(calls).toEqual([]);
  });

  it('refuses a distribution without channels, or with one twice, with 400 BAD_REQUEST in the seed shape', async () => {
    const { app, calls } = routeApp();
    const none = await send(app, '/api/distribution/distribute', { ...DISTRIBUTE, channels: [] }, bearer('deployer'));
    expect(none.status).toBe(400);
    const body = await json(none);
    expect(body).toMatchObject({ error: 'BAD_REQUEST' });
    expect(body.message).toContain('At least one channel must be selected');
    const twice = await send(
      app,
      '/api/distribution/distribute',
      { ...DISTRIBUTE, channels: [DISTRIBUTE.channels[0], DISTRIBUTE.channels[0]] },
      bearer('deployer'),
    );
    expect(twice.status).toBe(400);
    expect((await json(twice)).message).toContain('Each channel may appear only once');
    expect(calls).toEqual([]);
  });

  it('refuses a bad event id in the path with 400 before any lookup', async () => {
    const { app, calls } = routeApp();
    const res = await app.request(`/api/distribution/${'x'.repeat(300)}/status`, { headers: bearer('viewer') });
    expect(res.status).toBe(400);
    expect(await json(res)).toMatchObject({ error: 'BAD_REQUEST' });
    expect(calls).toEqual([]);
  });
});

describe('the OpenAPI document', () => {
  it('is public, valid OpenAPI 3.1, and documents the deploy and distribution routes with their auth', async () => {
    const { app, calls } = routeApp();
    const res = await app.request('/api-docs');
    expect(res.status).toBe(200);
    const doc = await json(res);
    expect(doc.openapi).toBe('3.1.0');
    const result = await new Validator().validate(doc as Parameters<Validator['validate']>[0]);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/deploy',
        '/api/v1/deploy/{id}/switch',
        '/api/distribution/distribute',
        '/api/distribution/{eventId}/status',
      ]),
    );
    expect(doc.paths['/api/v1/deploy'].post.security).toEqual([{ bearerAuth: [] }]);
    expect(Object.keys(doc.paths['/api/v1/deploy'].post.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '403']));
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(calls).toEqual([]);
  });
});
