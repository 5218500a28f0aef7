// Console sessions (POST/DELETE /api/v1/sessions): a key exchanged for an HttpOnly, SameSite=Strict
// cookie. Hostile: a cookie request from a foreign Origin (or none) is refused before anything
// starts; an expired, forged or foreign-signed cookie is 401; a session never exceeds its key's role.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionSigner, SESSION_COOKIE } from '../../api/sessions/session-signer.js';
import { authHeader, buildTestApp } from '../support/api.js';
import { connectClient } from '../support/temporal.js';

const ORIGIN = 'http://localhost';
const secret = Buffer.alloc(32, 9);

describe('console sessions', () => {
  let temporal: Awaited<ReturnType<typeof connectClient>>;
  let app: ReturnType<typeof buildTestApp>;
  beforeAll(async () => {
    temporal = await connectClient();
    app = buildTestApp(temporal.client, `sessions-${Date.now()}`, { sessionSecret: secret, sessionTtlMs: 60_000 });
  });
  afterAll(async () => {
    await temporal?.close();
  });

  const open = async (role: 'admin' | 'approver' | 'viewer', url = `${ORIGIN}/api/v1/sessions`) => {
    const res = await app.request(url, { method: 'POST', headers: { ...authHeader(role), host: 'localhost', origin: ORIGIN } });
    expect(res.status).toBe(201);
    const setCookie = res.headers.get('set-cookie')!;
    return { res, setCookie, cookie: `${SESSION_COOKIE}=${/sy_session=([^;]+)/.exec(setCookie)![1]}` };
  };
  const withCookie = (cookie: string, origin?: string) => ({
    cookie,
    host: 'localhost',
    ...(origin ? { origin } : {}),
    'content-type': 'application/json',
  });
  const freezeBody = JSON.stringify({
    scope: ['session-test/svc'],
    reason: 'session test',
    endsAt: new Date(Date.now() + 3_600_000).toISOString(),
  });
  const tokenBody = JSON.stringify({ scope: 'ws' });

  it('sets an HttpOnly, SameSite=Strict cookie that holds the principal, not the key; Secure over https', async () => {
    const { res, setCookie, cookie } = await open('approver');
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).toMatch(/Max-Age=60/);
    expect(setCookie).not.toMatch(/Secure/);
    expect(setCookie).not.toContain('test-approver-key');
    const body = (await res.json()) as { data: { label: string; role: string; expiresAt: string } };
    expect(body.data).toMatchObject({ label: 'test approver', role: 'approver' });
    const me = (await (await app.request('/api/v1/me', { headers: withCookie(cookie) })).json()) as {
      data: { label: string; role: string };
    };
    expect(me.data).toMatchObject({ label: 'test approver', role: 'approver' });
    expect((await open('viewer', 'https://localhost/api/v1/sessions')).setCookie).toMatch(/Secure/);
  });

  it('opens only with a key: no key, or a session alone, is 401', async () => {
    const { cookie } = await open('admin');
    expect((await app.request('/api/v1/sessions', { method: 'POST', headers: withCookie(cookie, ORIGIN) })).status).toBe(401);
    expect((await app.request('/api/v1/sessions', { method: 'POST' })).status).toBe(401);
  });

  it('refuses a cookie-authenticated change from a foreign Origin or none, before the route runs', async () => {
    const { cookie } = await open('admin');
    for (const origin of ['https://evil.example', 'null', undefined]) {
      const res = await app.request('/api/v1/stream-tokens', { method: 'POST', headers: withCookie(cookie, origin), body: tokenBody });
      expect(res.status).toBe(403);
      const body = (await res.json()) as { message: string; data?: unknown };
      expect(body.message).toMatch(/Cross-site request refused/);
      expect(JSON.stringify(body)).not.toMatch(/"token"/);
    }
    // The same cookie from the console's own origin works; reads need no Origin.
    expect(
      (await app.request('/api/v1/stream-tokens', { method: 'POST', headers: withCookie(cookie, ORIGIN), body: tokenBody })).status,
    ).toBe(200);
    expect((await app.request('/api/v1/me', { headers: withCookie(cookie) })).status).toBe(200);
  });

  it('is 401 for an expired, forged or foreign-signed cookie', async () => {
    const { cookie } = await open('viewer');
    const expired = new SessionSigner(secret, 60_000, () => Date.now() - 120_000).issue({ role: 'admin', label: 'test admin' }).cookie;
    const foreign = new SessionSigner(Buffer.alloc(32, 1)).issue({ role: 'admin', label: 'test admin' }).cookie;
    const [prefix, payload, signature] = cookie.slice(SESSION_COOKIE.length + 1).split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
    const forged = `${prefix}.${Buffer.from(JSON.stringify({ ...claims, r: 'admin' })).toString('base64url')}.${signature}`;
    for (const value of [expired, foreign, forged, 'garbage']) {
      const res = await app.request('/api/v1/me', { headers: withCookie(`${SESSION_COOKIE}=${value}`) });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { message: string }).message).toMatch(/session expired or is invalid/);
    }
  });

  it("cannot exceed the key's role: an approver session may not set a freeze or start a deployment (403)", async () => {
    const { cookie } = await open('approver');
    const res = await app.request('/api/v1/freezes', { method: 'POST', headers: withCookie(cookie, ORIGIN), body: freezeBody });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { message: string }).message).toMatch(/role approver\) may not do this: role admin required/);
    expect((await app.request('/api/v1/deploy', { method: 'POST', headers: withCookie(cookie, ORIGIN), body: '{}' })).status).toBe(403);
  });

  it('signs out: DELETE clears the cookie; a foreign Origin may not sign the console out', async () => {
    const { cookie } = await open('viewer');
    expect((await app.request('/api/v1/sessions', { method: 'DELETE', headers: withCookie(cookie, 'https://evil.example') })).status).toBe(
      403,
    );
    const out = await app.request('/api/v1/sessions', { method: 'DELETE', headers: withCookie(cookie, ORIGIN) });
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie')).toMatch(/sy_session=;.*Max-Age=0/);
  });
});
