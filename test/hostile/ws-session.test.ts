// Hostile: /ws with the console's session cookie. A browser sends the cookie with any page's
// WebSocket upgrade (cross-site WebSocket hijacking), so a cookie upgrade without an allowed Origin
// is a 403 before the upgrade; an expired or forged cookie earns AUTHENTICATION_REQUIRED and a
// close; a session's socket closes when the session ends; and a session acts with its key's role
// only: a viewer session cannot approve over /ws, and the deployment stays at the gate with the
// CodeDeploy emulator asked to continue nothing. The approver's session then can.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE, SessionSigner } from '../../api/sessions/session-signer.js';
import { authHeader, buildTestApp } from '../support/api.js';
import { sandboxSuite } from '../support/sandbox-suite.js';
import { serveWithWebSocket, type ServedWsApp } from '../ws/serve.js';
import { WsTestClient } from '../ws/ws-client.js';

const secret = Buffer.alloc(32, 7);

describe('/ws with a session cookie', () => {
  const suite = sandboxSuite('hostile-ws-session', { app: () => ({ sessionSecret: secret, sessionTtlMs: 60_000 }) });
  let served: ServedWsApp;
  let origin: string;
  const clients: WsTestClient[] = [];

  beforeAll(async () => {
    served = await serveWithWebSocket(suite.app.fetch, suite.app.webSocket);
    origin = served.url;
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await served?.close();
  });

  /** A session as the console opens one: POST /api/v1/sessions with the key, from the API's own origin. */
  const sessionCookie = async (role: 'viewer' | 'approver') => {
    const res = await fetch(`${served.url}/api/v1/sessions`, { method: 'POST', headers: { ...authHeader(role), origin } });
    expect(res.status).toBe(201);
    return `${SESSION_COOKIE}=${/sy_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')![1]}`;
  };
  const connect = async (headers: Record<string, string>) => {
    const c = await WsTestClient.connect(served.wsUrl, headers);
    clients.push(c);
    return c;
  };
  const refused = (url: string, headers: Record<string, string>) =>
    expect(WsTestClient.connect(url, headers)).rejects.toThrow(/Unexpected server response: 403/);

  it('refuses a cookie upgrade from a foreign Origin, a null one or none (403 before the upgrade)', async () => {
    const cookie = await sessionCookie('approver');
    await refused(served.wsUrl, { cookie, origin: 'https://evil.example' });
    await refused(served.wsUrl, { cookie, origin: 'null' });
    await refused(served.wsUrl, { cookie });
    // `*` in SWITCHYARD_ALLOWED_ORIGINS lets keys in from anywhere, never a cookie.
    const open = buildTestApp(suite.client, suite.taskQueue, { sessionSecret: secret, allowedOrigins: ['*'] }, suite.worker);
    const openServed = await serveWithWebSocket(open.fetch, open.webSocket);
    try {
      await refused(openServed.wsUrl, { cookie, origin: 'https://evil.example' });
      const keyed = await WsTestClient.connect(openServed.wsUrl, { ...authHeader('viewer'), origin: 'https://evil.example' });
      expect((await keyed.waitFor((m) => m.type === 'connection_status')).data.status).toBe('connected');
      keyed.close();
      await keyed.closed;
    } finally {
      await openServed.close();
    }
    // The same cookie from the API's own origin opens the socket, as the session's principal.
    const ok = await connect({ cookie, origin });
    await ok.waitFor((m) => m.type === 'connection_status');
    const info = await ok.request({ type: 'client_info', data: {} }, (m) => m.type === 'client_info_ack');
    expect(info.data.role).toBe('approver');
  });

  it('closes an expired, forged or foreign-signed cookie with AUTHENTICATION_REQUIRED, and a session at its end', async () => {
    const viewer = await sessionCookie('viewer');
    const [prefix, payload, signature] = viewer.slice(SESSION_COOKIE.length + 1).split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
    const forged = `${prefix}.${Buffer.from(JSON.stringify({ ...claims, r: 'admin' })).toString('base64url')}.${signature}`;
    const expired = new SessionSigner(secret, 60_000, () => Date.now() - 120_000).issue({ role: 'admin', label: 'test admin' }).cookie;
    const foreign = new SessionSigner(Buffer.alloc(32, 1)).issue({ role: 'admin', label: 'test admin' }).cookie;
    for (const value of [forged, expired, foreign, 'garbage']) {
      const c = await connect({ cookie: `${SESSION_COOKIE}=${value}`, origin });
      expect((await c.closed).code).toBe(1008);
      expect(c.messages).toEqual([
        expect.objectContaining({
          type: 'error',
          data: expect.objectContaining({ error_code: 'AUTHENTICATION_REQUIRED', error_message: expect.stringMatching(/session expired/) }),
        }),
      ]);
    }
    // A socket opened with a session does not outlive it.
    const short = new SessionSigner(secret, 1500).issue({ role: 'viewer', label: 'test viewer' }).cookie;
    const c = await connect({ cookie: `${SESSION_COOKIE}=${short}`, origin });
    await c.waitFor((m) => m.type === 'connection_status');
    expect(await c.closed).toEqual({ code: 1008, reason: 'Session expired' });
  });

  it("applies the session's role over /ws: a viewer session cannot approve; the approver's session switches", async () => {
    const { api, worker } = suite;
    const connection = await api.connect();
    const started = await api.deploy(connection);
    expect(started.status).toBe(200);
    const id = started.body.data.deploymentId as string;
    const ready = await api.reach(id, 'DEPLOYMENT_READY');
    const codeDeployId = ready.codeDeployDeploymentId as string;

    const viewer = await connect({ cookie: await sessionCookie('viewer'), origin });
    await viewer.waitFor((m) => m.type === 'connection_status');
    for (const action of ['switch', 'rollback']) {
      const denied = await viewer.request(
        { type: 'deployment_control', data: { deployment_id: id, action, request_id: action } },
        (m) => m.type === 'error' && m.data.details?.request_id === action,
      );
      expect(denied.data).toMatchObject({ error_code: 'PERMISSION_DENIED', details: { required_role: 'approver', role: 'viewer' } });
    }
    await new Promise((r) => setTimeout(r, 300));
    expect((await api.result(id)).body.data).toMatchObject({ status: 'DEPLOYMENT_READY', approvals: [] });
    expect(worker.sandbox.aws.state.counters.continueDeploymentCalls.get(codeDeployId) ?? 0).toBe(0);

    const approver = await connect({ cookie: await sessionCookie('approver'), origin });
    await approver.waitFor((m) => m.type === 'connection_status');
    const switched = await approver.request(
      { type: 'deployment_control', data: { deployment_id: id, action: 'switch' } },
      (m) => m.type === 'control_result',
      20_000,
    );
    expect(switched.data).toMatchObject({ success: true, deployment_id: id, active_service: 'green' });
    expect(await api.reach(id, 'COMPLETED')).toMatchObject({ approvedBy: 'test approver', decidedVia: 'websocket' });
  });
});
