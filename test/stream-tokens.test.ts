// Stream tokens for EventSource clients (no Authorization header): POST /api/v1/stream-tokens,
// then `?token=` on the SSE routes. Wrong, expired and wrong-scope tokens get the seeds' 401.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StreamTokenSigner } from '../api/streams/stream-token.js';
import { encryptionKeyId } from '../common/secrets/encryption-keys.js';
import { authHeader, buildTestApp, TEST_KEYS } from './support/api.js';
import { connectClient, uniqueTaskQueue } from './support/temporal.js';

/** This file's own task queue (no worker polls it): nothing it starts or sets reaches another file's. */
const TASK_QUEUE = uniqueTaskQueue('stream-tokens');

describe('stream tokens', () => {
  let temporal: Awaited<ReturnType<typeof connectClient>>;
  let app: ReturnType<typeof buildTestApp>;
  const secret = Buffer.alloc(32, 7);

  beforeAll(async () => {
    temporal = await connectClient();
    app = buildTestApp(temporal.client, TASK_QUEUE, { streamTokenSecret: secret });
  });
  afterAll(async () => {
    await temporal?.close();
  });

  const issue = async (scope: unknown, headers: Record<string, string> = authHeader('viewer')) =>
    app.request('/api/v1/stream-tokens', {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ scope }),
    });

  it('issues a scope-bound token to a viewer, and refuses bad scopes and missing keys', async () => {
    const res = await issue('deployment:dep_missing');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data: { token: string; expiresAt: string; scope: string } };
    expect(body.data.scope).toBe('deployment:dep_missing');
    // Named after the key it is signed under (its id, never the key), so a rotated ring finds it.
    expect(body.data.token).toMatch(new RegExp(`^st2\\.${encryptionKeyId(secret)}\\.[\\w-]+\\.[\\w-]+$`));
    const ttl = Date.parse(body.data.expiresAt) - Date.now();
    expect(ttl).toBeGreaterThan(4 * 60_000);
    expect(ttl).toBeLessThanOrEqual(5 * 60_000);
    expect((await issue('nonsense')).status).toBe(400);
    expect((await issue('deployment:x', {})).status).toBe(401);
  });

  it('opens the stream (past auth: 404 for an unknown deployment) with its token or an API key as ?token=, else 401 in the seed shape', async () => {
    const { data } = (await (await issue('deployment:dep_missing')).json()) as { data: { token: string } };
    const events = (token: string, id = 'dep_missing') => app.request(`/api/v1/deploy/${id}/events?token=${encodeURIComponent(token)}`);
    expect((await events(data.token)).status).toBe(404);
    expect((await events(TEST_KEYS.viewer)).status).toBe(404);

    const refused = async (res: Response) => {
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({
        status: 401,
        error: expect.any(String),
        message: expect.stringContaining('token'),
        timestamp: expect.any(String),
      });
    };
    await refused(await events(data.token, 'dep_other')); // another deployment's scope
    await refused(await events(`${data.token.slice(0, -2)}xx`)); // tampered signature
    await refused(await events('st1.e30.AAAA'));
    await refused(await events('not-a-key'));
    // Signed under another secret (another installation), and expired.
    await refused(
      await events(new StreamTokenSigner(Buffer.alloc(32, 8)).issue('deployment:dep_missing', { role: 'viewer', label: 'x' }).token),
    );
    const expired = new StreamTokenSigner(secret, 5 * 60_000, () => Date.now() - 6 * 60_000).issue('deployment:dep_missing', {
      role: 'viewer',
      label: 'x',
    }).token;
    await refused(await events(expired));
    // The same secret on another replica accepts the token.
    expect(new StreamTokenSigner(secret).verify(data.token, 'deployment:dep_missing')).toMatchObject({ role: 'viewer' });
  });

  it('guards distribution streams the same way, with the distribution error shape', async () => {
    const { data } = (await (await issue('distribution:evt_missing')).json()) as { data: { token: string } };
    const events = (token: string, id = 'evt_missing') => app.request(`/api/distribution/${id}/events?token=${encodeURIComponent(token)}`);
    expect((await events(data.token)).status).toBe(404);
    const wrong = await events(data.token, 'evt_other');
    expect(wrong.status).toBe(401);
    expect((await events(((await (await issue('deployment:evt_missing')).json()) as { data: { token: string } }).data.token)).status).toBe(
      401,
    );
  });

  it('after a key rotation, accepts tokens of the old key while it is listed, and refuses them once it is dropped', async () => {
    const { data } = (await (await issue('deployment:dep_missing')).json()) as { data: { token: string } };
    const newKey = Buffer.alloc(32, 9);
    const rotated = buildTestApp(temporal.client, TASK_QUEUE, { streamTokenSecret: [newKey, secret] });
    const dropped = buildTestApp(temporal.client, TASK_QUEUE, { streamTokenSecret: [newKey] });
    const events = (on: typeof app, token: string) => on.request(`/api/v1/deploy/dep_missing/events?token=${encodeURIComponent(token)}`);
    expect((await events(rotated, data.token)).status).toBe(404); // past auth
    expect((await events(dropped, data.token)).status).toBe(401);
    // The rotated ring signs new tokens with the new key; the old ring does not know it.
    const fresh = (await (
      await rotated.request('/api/v1/stream-tokens', {
        method: 'POST',
        headers: { ...authHeader('viewer'), 'content-type': 'application/json' },
        body: JSON.stringify({ scope: 'deployment:dep_missing' }),
      })
    ).json()) as { data: { token: string } };
    expect(fresh.data.token.split('.')[1]).toBe(encryptionKeyId(newKey));
    expect((await events(dropped, fresh.data.token)).status).toBe(404);
    expect((await events(app, fresh.data.token)).status).toBe(401);
  });
});
