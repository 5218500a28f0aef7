// API keys as `Authorization: Bearer <key>`, each with one role. Keys are compared by their
// SHA-256 digest through a map lookup, so the comparison time does not depend on the key. Each
// key's principal names who holds it (its label, and its person when known), never its position.
import type { Context, MiddlewareHandler } from 'hono';
import { sha256Hex, type ApiKeyEntry } from '../common/api-keys.js';
import type { Role } from '../common/config.js';
import { ApiError } from './errors.js';

export interface Principal {
  role: Role;
  /** Whose key matched (its configured label), for policies and audit ("approved by …"); never the key itself. */
  label: string;
  /** Which key of that label (rotations share a label). */
  keyId?: string;
  /** The person behind the key (SWITCHYARD_IDENTITIES or the key entry): one person counts once. */
  person?: string;
}

/** What each role may do, besides admin which may do everything. */
const GRANTS: Record<Exclude<Role, 'admin'>, readonly Role[]> = {
  viewer: ['viewer'],
  deployer: ['viewer', 'deployer'],
  approver: ['viewer', 'approver'],
};

export function roleAllows(role: Role, needed: Role): boolean {
  return role === 'admin' || (needed !== 'admin' && GRANTS[role].includes(needed));
}

/** A key the ring knows but refuses: it expired at `expiredAt`. */
export interface ExpiredKey {
  expiredAt: string;
}

export class ApiKeyRing {
  private readonly byDigest = new Map<string, { principal: Principal; expiresAt?: number }>();

  constructor(keys: readonly ApiKeyEntry[], private readonly now: () => number = Date.now) {
    for (const { sha256, role, label, id, person, expiresAt } of keys) {
      this.byDigest.set(sha256, {
        principal: { role, label, keyId: id, ...(person ? { person } : {}) },
        ...(expiresAt ? { expiresAt: Date.parse(expiresAt) } : {}),
      });
    }
  }

  get size(): number {
    return this.byDigest.size;
  }

  /** The key's principal; an expired key is told apart from an unknown one, so the 401 can say so. */
  identify(presented: string | undefined): Principal | ExpiredKey | undefined {
    if (!presented) return undefined;
    const known = this.byDigest.get(sha256Hex(presented));
    if (!known) return undefined;
    if (known.expiresAt !== undefined && this.now() >= known.expiresAt) return { expiredAt: new Date(known.expiresAt).toISOString() };
    return known.principal;
  }

  /** The principal of a valid, unexpired key. */
  authenticate(presented: string | undefined): Principal | undefined {
    const found = this.identify(presented);
    return found && 'role' in found ? found : undefined;
  }
}

export function bearerToken(header: string | undefined): string | undefined {
  const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
  return match?.[1];
}

export type AuthVariables = { principal: Principal };

// Refusals are thrown, so the app the route belongs to answers in its own error shape.
function unauthorized(c: Context, message: string): ApiError {
  c.header('WWW-Authenticate', 'Bearer realm="switchyard"');
  return new ApiError(401, message);
}

const expiredMessage = ({ expiredAt }: ExpiredKey) => `This API key expired at ${expiredAt}: ask for a new one`;

const forbidden = (principal: Principal, needed: Role) => new ApiError(403, `This API key (role ${principal.role}) may not do this: role ${needed} required`);

/** Route middleware: 401 without a valid key, 403 when the key's role is not enough. */
export function requireRole(keys: ApiKeyRing, needed: Role): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async (c, next) => {
    const found = keys.identify(bearerToken(c.req.header('authorization')));
    if (found && 'expiredAt' in found) throw unauthorized(c, expiredMessage(found));
    const principal = found;
    if (!principal) {
      throw unauthorized(c, 'Missing or invalid API key: send Authorization: Bearer <key>');
    }
    if (!roleAllows(principal.role, needed)) throw forbidden(principal, needed);
    c.set('principal', principal);
    await next();
  };
}

/** What can verify a stream token for a scope (api/streams/stream-token.ts). */
export interface StreamTokenVerifier {
  verify(token: string | undefined, scope: string): Principal | undefined;
}

/**
 * For SSE routes, which browsers open with EventSource (no headers): the Authorization header,
 * or `?token=` holding either an API key (as GET /ws accepts) or a stream token for this route's
 * scope. The token is never logged: request logs carry the path, not the query.
 */
export function requireStreamRole(
  keys: ApiKeyRing, tokens: StreamTokenVerifier, needed: Role, scopeOf: (c: Context) => string,
): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async (c, next) => {
    const header = bearerToken(c.req.header('authorization'));
    const query = c.req.query('token');
    const found = keys.identify(header ?? query);
    if (found && 'expiredAt' in found) throw unauthorized(c, expiredMessage(found));
    const principal = found ?? (header === undefined ? tokens.verify(query, scopeOf(c)) : undefined);
    if (!principal) {
      throw unauthorized(c, 'Missing, invalid or expired credentials: send Authorization: Bearer <key>, or ?token=<key or stream token for this stream> (POST /api/v1/stream-tokens)');
    }
    if (!roleAllows(principal.role, needed)) throw forbidden(principal, needed);
    c.set('principal', principal);
    await next();
  };
}

/** The Hono environment of every Switchyard route: the authenticated principal, once checked. */
export type SwitchyardEnv = { Variables: AuthVariables };
