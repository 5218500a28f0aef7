// Short-lived, scope-bound stream tokens for browser EventSource clients, which cannot send an
// Authorization header: `POST /api/v1/stream-tokens {scope}` → `{token, expiresAt}`, then
// `GET …/events?token=<token>`. A token is `st2.<key id>.<payload>.<signature>` (base64url), the
// payload `{s: scope, r: role, l: key label, e: expiry ms}`, signed with HMAC-SHA256 under a key
// derived from the current encryption key every replica shares (SWITCHYARD_ENCRYPTION_KEYS'
// first, SWITCHYARD_ENCRYPTION_KEY, or the data folder's generated one), so a token issued by one
// API replica is accepted by all of them. The key id names the encryption key: a token verifies
// while its key is in the ring, so rotating keys does not cut open streams' tokens short.
// Tokens of before (`st1.<payload>.<signature>`, no key id) verify under any key of the ring.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from '@hono/zod-openapi';
import { encryptionKeyId } from '../../common/secrets/encryption-keys.js';
import type { Role } from '../../common/config/config.js';
import type { Principal } from '../auth.js';

export const STREAM_TOKEN_TTL_MS = 5 * 60_000;
const PREFIX = 'st2';
const LEGACY_PREFIX = 'st1';

/** The scope of a token for GET /ws (one WebSocket connection, whatever it then subscribes to). */
export const WS_SCOPE = 'ws';

/** `deployment:<id>` or `distribution:<eventId>`: the one stream a token opens; or `ws`: a WebSocket connection. */
export const StreamScopeSchema = z
  .string()
  .max(220)
  .regex(
    // eslint-disable-next-line no-control-regex -- refusing control characters is the point
    /^((deployment|distribution):[^\s\u0000-\u001f\u007f]{1,200}|ws|lists)$/,
    'must be deployment:<id>, distribution:<eventId>, ws or lists',
  );

const PayloadSchema = z.object({ s: z.string(), r: z.enum(['viewer', 'deployer', 'approver', 'admin']), l: z.string(), e: z.number() });

export class StreamTokenSigner {
  /** Signing keys derived from the ring's encryption keys (never used as is), current first. */
  private readonly keys: { id: string; key: Buffer }[];

  /** `secret`: the shared encryption key, or the ring with the current key first. */
  constructor(
    secret: Buffer | readonly Buffer[] = randomBytes(32),
    private readonly ttlMs = STREAM_TOKEN_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {
    const ring = Buffer.isBuffer(secret) ? [secret] : [...secret];
    if (ring.length === 0) throw new Error('Stream tokens need at least one key');
    this.keys = ring.map((key) => ({
      id: encryptionKeyId(key),
      key: createHmac('sha256', key).update('switchyard stream token v1').digest(),
    }));
  }

  issue(scope: string, principal: Principal): { token: string; expiresAt: string } {
    const expires = this.now() + this.ttlMs;
    const payload = Buffer.from(JSON.stringify({ s: scope, r: principal.role, l: principal.label, e: expires })).toString('base64url');
    const { id, key } = this.keys[0]!;
    const signed = `${PREFIX}.${id}.${payload}`;
    return { token: `${signed}.${sign(key, signed)}`, expiresAt: new Date(expires).toISOString() };
  }

  /** The principal a token was issued to, if it is genuine (under a key of the ring), unexpired and for this scope. */
  verify(token: string | undefined, scope: string): Principal | undefined {
    const payload = this.genuinePayload(token);
    if (payload === undefined) return undefined;
    let parsed: z.infer<typeof PayloadSchema>;
    try {
      parsed = PayloadSchema.parse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
    } catch {
      return undefined;
    }
    if (parsed.s !== scope || parsed.e <= this.now()) return undefined;
    // The key's own label: the token opens a stream under that key's limits, not a budget of its own.
    return { role: parsed.r as Role, label: parsed.l, via: 'stream token' };
  }

  /** The payload of a token whose signature checks out under the key it names (or, st1, any key). */
  private genuinePayload(token: string | undefined): string | undefined {
    const parts = token?.split('.');
    if (parts?.length === 4 && parts[0] === PREFIX) {
      const [, id, payload, signature] = parts as [string, string, string, string];
      const entry = this.keys.find((k) => k.id === id);
      return entry && matches(signature, sign(entry.key, `${PREFIX}.${id}.${payload}`)) ? payload : undefined;
    }
    if (parts?.length === 3 && parts[0] === LEGACY_PREFIX) {
      const [, payload, signature] = parts as [string, string, string];
      return this.keys.some(({ key }) => matches(signature, sign(key, `${LEGACY_PREFIX}.${payload}`))) ? payload : undefined;
    }
    return undefined;
  }
}

function sign(key: Buffer, signed: string): string {
  return createHmac('sha256', key).update(signed).digest('base64url');
}

function matches(given: string, expected: string): boolean {
  const [a, b] = [Buffer.from(given), Buffer.from(expected)];
  return a.length === b.length && timingSafeEqual(a, b);
}
