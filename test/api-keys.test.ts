// API keys by who holds them: a key's principal is its configured label (and person), whatever
// its place in the list; an expired key is refused with 401 saying so, at every door that takes
// keys (HTTP, SSE, WebSocket); two keys of one label (a rotation) both work, as the same identity.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyRing } from '../api/auth.js';
import { keyEntry, sha256Hex, type ApiKeyEntry } from '../common/keys/api-keys.js';
import { loadConfig } from '../common/config/config.js';
import { approverRefusal, DEFAULT_APPROVAL_POLICY, type ApprovalPolicy, type Approver } from '../domain/approval-policy.js';
import { buildTestApp } from './support/api.js';
import { json } from './support/http.js';
import { connectClient, uniqueTaskQueue } from './support/temporal.js';
import { serveWithWebSocket } from './ws/serve.js';
import { WsTestClient } from './ws/ws-client.js';

const NOW = Date.parse('2026-12-07T12:00:00Z');
const OLD = 'alice-old-key-0123456789';
const NEW = 'alice-new-key-0123456789';
const GONE = 'carol-expired-key-012345';
const keys: ApiKeyEntry[] = [
  { id: 'alice-2025', label: 'alice', role: 'approver', person: 'alice', expiresAt: '2026-12-31T00:00:00.000Z', sha256: sha256Hex(OLD) },
  { id: 'alice-2026', label: 'alice', role: 'approver', person: 'alice', sha256: sha256Hex(NEW) },
  { id: 'carol-2025', label: 'carol', role: 'admin', expiresAt: '2026-12-01T00:00:00.000Z', sha256: sha256Hex(GONE) },
];

const onlyAlice: ApprovalPolicy = { ...DEFAULT_APPROVAL_POLICY, labels: ['alice'] };
const gate = { service: 'payments', requestedBy: 'ci', approvals: [] };

describe('API keys with stable labels, rotation and expiry', () => {
  let temporal: Awaited<ReturnType<typeof connectClient>>;
  let app: ReturnType<typeof buildTestApp>;
  const me = (key: string) => app.request('/api/v1/me', { headers: { authorization: `Bearer ${key}` } });

  beforeAll(async () => {
    temporal = await connectClient();
    app = buildTestApp(temporal.client, uniqueTaskQueue('api-keys'), { keys: new ApiKeyRing(keys, () => NOW) });
  });
  afterAll(async () => temporal?.close());

  it("answers with the key's label, id and person; both keys of a rotation are the same identity", async () => {
    const [old, rotated] = [await me(OLD), await me(NEW)];
    expect(old.status).toBe(200);
    expect(rotated.status).toBe(200);
    expect((await json(old)).data).toEqual({ label: 'alice', role: 'approver', keyId: 'alice-2025', person: 'alice' });
    expect((await json(rotated)).data).toEqual({ label: 'alice', role: 'approver', keyId: 'alice-2026', person: 'alice' });
  });

  it('refuses an expired key with 401 saying it expired, on plain and stream routes', async () => {
    const res = await me(GONE);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('Bearer');
    expect(await json(res)).toMatchObject({ status: 401, message: 'This API key expired at 2026-12-01T00:00:00.000Z: ask for a new one' });
    const stream = await app.request(`/api/v1/deploy/dep_missing/events?token=${GONE}`);
    expect(stream.status).toBe(401);
    expect((await json(stream)).message).toMatch(/expired at 2026-12-01/);
    // Nothing about an expired key is a principal, wherever keys are read (the WebSocket too).
    expect(new ApiKeyRing(keys, () => NOW).authenticate(GONE)).toBeUndefined();
  });

  it('refuses an expired key on the WebSocket too, saying it expired, and keeps the rotated key working', async () => {
    const served = await serveWithWebSocket(app.fetch, app.webSocket);
    try {
      const expired = await WsTestClient.connect(served.wsUrl, { authorization: `Bearer ${GONE}` });
      expect((await expired.closed).code).toBe(1008);
      expect(expired.messages).toEqual([
        expect.objectContaining({
          type: 'error',
          data: expect.objectContaining({
            error_code: 'AUTHENTICATION_REQUIRED',
            error_message: 'This API key expired at 2026-12-01T00:00:00.000Z: ask for a new one',
          }),
        }),
      ]);
      const rotated = await WsTestClient.connect(`${served.wsUrl}?token=${NEW}`);
      await rotated.waitFor((m) => m.type === 'connection_status');
      rotated.close();
      await rotated.closed;
    } finally {
      await served.close();
    }
  });

  it('refuses an unknown key as before', async () => {
    const res = await me('nobody-key-0123456789');
    expect(res.status).toBe(401);
    expect((await json(res)).message).toMatch(/^Missing or invalid API key/);
  });

  it('an expiry takes effect by the clock, without a restart', () => {
    let now = Date.parse('2026-12-30T23:59:59Z');
    const ring = new ApiKeyRing(keys, () => now);
    expect(ring.authenticate(OLD)).toMatchObject({ label: 'alice', keyId: 'alice-2025' });
    now = Date.parse('2026-12-31T00:00:00Z');
    expect(ring.identify(OLD)).toEqual({ expiredAt: '2026-12-31T00:00:00.000Z' });
    expect(ring.authenticate(NEW)).toMatchObject({ label: 'alice', keyId: 'alice-2026' });
  });

  it('hostile: a reordered key list moves no identity (each key keeps its own label)', () => {
    const a = `alice:approver:${'a'.repeat(24)}`;
    const m = `mallory:approver:${'m'.repeat(24)}`;
    for (const list of [`${a},${m}`, `${m},${a}`]) {
      const ring = new ApiKeyRing(loadConfig({ SWITCHYARD_API_KEYS: list }).apiKeys);
      // The policy's `labels: ["alice"]` matches alice's key and never mallory's, in either order.
      expect(ring.authenticate('a'.repeat(24))?.label).toBe('alice');
      expect(ring.authenticate('m'.repeat(24))?.label).toBe('mallory');
      const asApprover = (key: string): Approver => {
        const principal = ring.authenticate(key)!;
        return { by: principal.label, via: 'api', role: principal.role };
      };
      expect(approverRefusal(onlyAlice, gate, asApprover('m'.repeat(24)))).toBe('mallory is not among the approvers of payments');
      expect(approverRefusal(onlyAlice, gate, asApprover('a'.repeat(24)))).toBeUndefined();
    }
    expect(new ApiKeyRing([keyEntry('alice', 'approver', 'a'.repeat(24))]).authenticate('m'.repeat(24))).toBeUndefined();
  });
});
