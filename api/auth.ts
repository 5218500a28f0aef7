// API keys as `Authorization: Bearer <key>`, each with one role. Keys are compared by their
// SHA-256 digest through a map lookup, so the comparison time does not depend on the key.
import { createHash } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import type { Role } from '../common/config.js';
import { ApiError } from './errors.js';

export interface Principal {
  role: Role;
  /** Which configured key matched, for audit ("approved by …"); never the key itself. */
  label: string;
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

const digest = (key: string) => createHash('sha256').update(key).digest('base64');

export class ApiKeyRing {
  private readonly byDigest = new Map<string, Principal>();

  constructor(keys: { key: string; role: Role; label: string }[]) {
    for (const { key, role, label } of keys) this.byDigest.set(digest(key), { role, label });
  }

  get size(): number {
    return this.byDigest.size;
  }

  authenticate(presented: string | undefined): Principal | undefined {
    if (!presented) return undefined;
    return this.byDigest.get(digest(presented));
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

const forbidden = (principal: Principal, needed: Role) => new ApiError(403, `This API key (role ${principal.role}) may not do this: role ${needed} required`);

/** Route middleware: 401 without a valid key, 403 when the key's role is not enough. */
export function requireRole(keys: ApiKeyRing, needed: Role): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async (c, next) => {
    const principal = keys.authenticate(bearerToken(c.req.header('authorization')));
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
    const principal = header !== undefined
      ? keys.authenticate(header)
      : keys.authenticate(query) ?? tokens.verify(query, scopeOf(c));
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
