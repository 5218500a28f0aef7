// Console sessions: `POST /api/v1/sessions` exchanges an API key for a short-lived, HMAC-signed
// cookie, so the key need not sit in browser storage. The cookie carries the key's principal
// (label, key id, person, role) and an expiry, never the key. Stateless, so every replica accepts
// it: the signing key is derived (own label) from the shared encryption key ring, like stream tokens.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Principal } from '../principal.js';

export const SESSION_COOKIE = 'sy_session';
export const DEFAULT_SESSION_TTL_MS = 30 * 60_000;
const PREFIX = 's1';

const PayloadSchema = z.object({
  r: z.enum(['viewer', 'deployer', 'approver', 'admin']),
  l: z.string(),
  k: z.string().optional(),
  p: z.string().optional(),
  e: z.number(),
});

export class SessionSigner {
  private readonly key: Buffer;

  constructor(
    secret: Buffer | readonly Buffer[] = randomBytes(32),
    readonly ttlMs = DEFAULT_SESSION_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {
    const current = Buffer.isBuffer(secret) ? secret : secret[0];
    if (!current) throw new Error('Sessions need a key');
    this.key = createHmac('sha256', current).update('switchyard console session v1').digest();
  }

  issue(principal: Principal): { cookie: string; expiresAt: string } {
    const expires = this.now() + this.ttlMs;
    const payload = Buffer.from(
      JSON.stringify({
        r: principal.role,
        l: principal.label,
        e: expires,
        ...(principal.keyId ? { k: principal.keyId } : {}),
        ...(principal.person ? { p: principal.person } : {}),
      }),
    ).toString('base64url');
    const signed = `${PREFIX}.${payload}`;
    return { cookie: `${signed}.${this.sign(signed)}`, expiresAt: new Date(expires).toISOString() };
  }

  /** The session's principal if the cookie is genuine and unexpired; the role is the key's as issued, never more. */
  verify(cookie: string | undefined): (Principal & { expiresAt: string }) | undefined {
    const parts = cookie?.split('.');
    if (parts?.length !== 3 || parts[0] !== PREFIX) return undefined;
    const expected = Buffer.from(this.sign(`${parts[0]}.${parts[1]}`));
    const given = Buffer.from(parts[2]!);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    let parsed: z.infer<typeof PayloadSchema>;
    try {
      parsed = PayloadSchema.parse(JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')));
    } catch {
      return undefined;
    }
    if (parsed.e <= this.now()) return undefined;
    return {
      role: parsed.r,
      label: parsed.l,
      expiresAt: new Date(parsed.e).toISOString(),
      ...(parsed.k ? { keyId: parsed.k } : {}),
      ...(parsed.p ? { person: parsed.p } : {}),
    };
  }

  private sign(value: string): string {
    return createHmac('sha256', this.key).update(value).digest('base64url');
  }
}
