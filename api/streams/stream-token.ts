// Short-lived, scope-bound stream tokens for browser EventSource clients, which cannot send an
// Authorization header: `POST /api/v1/stream-tokens {scope}` → `{token, expiresAt}`, then
// `GET …/events?token=<token>`. A token is `st1.<payload>.<signature>` (base64url), the payload
// `{s: scope, r: role, l: key label, e: expiry ms}`, signed with HMAC-SHA256 under a key derived
// from the encryption key every replica shares (SWITCHYARD_ENCRYPTION_KEY, or the data folder's
// generated one), so a token issued by one API replica is accepted by all of them.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from '@hono/zod-openapi';
import type { Role } from '../../common/config.js';
import type { Principal } from '../auth.js';

export const STREAM_TOKEN_TTL_MS = 5 * 60_000;
const PREFIX = 'st1';

/** The scope of a token for GET /ws (one WebSocket connection, whatever it then subscribes to). */
export const WS_SCOPE = 'ws';

/** `deployment:<id>` or `distribution:<eventId>`: the one stream a token opens; or `ws`: a WebSocket connection. */
// eslint-disable-next-line no-control-regex -- refusing control characters is the point
export const StreamScopeSchema = z.string().max(220).regex(/^((deployment|distribution):[^\s\u0000-\u001f\u007f]{1,200}|ws)$/, 'must be deployment:<id>, distribution:<eventId> or ws');

const PayloadSchema = z.object({ s: z.string(), r: z.enum(['viewer', 'deployer', 'approver', 'admin']), l: z.string(), e: z.number() });

export class StreamTokenSigner {
  private readonly key: Buffer;

  /** `secret`: the shared encryption key; the signing key is derived from it (never used as is). */
  constructor(secret: Buffer = randomBytes(32), private readonly ttlMs = STREAM_TOKEN_TTL_MS, private readonly now: () => number = Date.now) {
    this.key = createHmac('sha256', secret).update('switchyard stream token v1').digest();
  }

  issue(scope: string, principal: Principal): { token: string; expiresAt: string } {
    const expires = this.now() + this.ttlMs;
    const payload = Buffer.from(JSON.stringify({ s: scope, r: principal.role, l: principal.label, e: expires })).toString('base64url');
    return { token: `${PREFIX}.${payload}.${this.sign(payload)}`, expiresAt: new Date(expires).toISOString() };
  }

  /** The principal a token was issued to, if it is genuine, unexpired and for this scope. */
  verify(token: string | undefined, scope: string): Principal | undefined {
    const parts = token?.split('.');
    if (!parts || parts.length !== 3 || parts[0] !== PREFIX) return undefined;
    const [, payload, signature] = parts as [string, string, string];
    const expected = Buffer.from(this.sign(payload));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
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

  private sign(payload: string): string {
    return createHmac('sha256', this.key).update(`${PREFIX}.${payload}`).digest('base64url');
  }
}
