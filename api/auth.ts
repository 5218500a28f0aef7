// API keys as `Authorization: Bearer <key>`, each with one role. Keys are compared by their
// SHA-256 digest through a map lookup, so the comparison time does not depend on the key. Each
// key's principal names who holds it (its label, and its person when known), never its position.
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { sha256Hex, type ApiKeyEntry } from '../common/keys/api-keys.js';
import type { Role } from '../common/config/config.js';
import { ApiError } from './errors.js';
import { routeClassOf, type KeyLimiter } from './limits/key-limits.js';
import type { RouteClass } from './limits/token-bucket.js';
import { originAllowed } from './ws/origin.js';
import { SESSION_COOKIE, type SessionSigner } from './sessions/session-signer.js';
import type { Principal } from './principal.js';

export type { Principal } from './principal.js';

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

  constructor(
    keys: readonly ApiKeyEntry[],
    private readonly now: () => number = Date.now,
  ) {
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

const forbidden = (principal: Principal, needed: Role) =>
  new ApiError(403, `This API key (role ${principal.role}) may not do this: role ${needed} required`);

/** The per-key limits a route's middleware applies after authentication; absent, none. */
export interface RouteLimits {
  limiter?: KeyLimiter | undefined;
  /** The route's class for the rate limit; by default from its method (GET/HEAD read, else write). */
  routeClass?: RouteClass | undefined;
  /** Console sessions (a signed cookie) besides Bearer keys; absent, only keys. */
  sessions?: SessionAuth | undefined;
}

/** How a cookie session is checked: its signer, and the origins besides the API's own (SWITCHYARD_ALLOWED_ORIGINS). */
export interface SessionAuth {
  signer: SessionSigner;
  allowedOrigins: readonly string[];
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The principal of a console session cookie, when the request has no Authorization header. An
 * unsafe method must come with an Origin of the API itself (or an allowed one): a cookie is sent
 * by the browser whatever page made the request, so without this check any site could act (CSRF).
 */
export function sessionPrincipal(c: Context, sessions: SessionAuth | undefined): Principal | undefined {
  const cookie = sessions ? getCookie(c, SESSION_COOKIE) : undefined;
  if (!sessions || cookie === undefined) return undefined;
  const found = sessions.signer.verify(cookie);
  if (!found) throw unauthorized(c, 'Your console session expired or is invalid: sign in again');
  if (UNSAFE.has(c.req.method)) {
    const origin = c.req.header('origin');
    if (origin === undefined || !originAllowed(origin, c.req.header('host'), sessions.allowedOrigins)) {
      throw new ApiError(403, "Cross-site request refused: a session-authenticated change must come from the console's own origin");
    }
  }
  const { expiresAt: _expiresAt, ...principal } = found;
  return { ...principal, via: 'session' };
}

/** Route middleware: 401 without a valid key, 403 when the key's role is not enough, 429 over the key's rate. */
export function requireRole(keys: ApiKeyRing, needed: Role, limits: RouteLimits = {}): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async (c, next) => {
    const header = c.req.header('authorization');
    const found = header === undefined ? sessionPrincipal(c, limits.sessions) : keys.identify(bearerToken(header));
    if (found && 'expiredAt' in found) throw unauthorized(c, expiredMessage(found));
    const principal = found;
    if (!principal) {
      throw unauthorized(c, 'Missing or invalid API key: send Authorization: Bearer <key>');
    }
    if (!roleAllows(principal.role, needed)) throw forbidden(principal, needed);
    limits.limiter?.admit(c, principal.label, routeClassOf(c.req.method, limits.routeClass));
    c.set('principal', principal);
    await next();
  };
}

/** What can verify a stream token for a scope (api/streams/stream-token.ts). */
export interface StreamTokenVerifier {
  verify(token: string | undefined, scope: string): Principal | undefined;
}

/** Whether `?token=` may hold an API key itself (SWITCHYARD_KEYS_IN_URLS), besides stream tokens. */
export interface UrlCredentials {
  keysInUrls: boolean;
}

/**
 * The principal of a request that may carry its credentials in the URL (SSE, /ws): the
 * Authorization header; or `?token=` holding a stream token for `scope`, or an API key where keys
 * in URLs are allowed. The token is never logged: request logs carry the path, not the query.
 */
export function urlPrincipal(
  keys: ApiKeyRing,
  tokens: StreamTokenVerifier,
  url: UrlCredentials,
  header: string | undefined,
  query: string | undefined,
  scope: string,
): Principal | ExpiredKey | undefined {
  if (header !== undefined) return keys.identify(header);
  const found = url.keysInUrls ? keys.identify(query) : undefined;
  return found ?? tokens.verify(query, scope);
}

const URL_CREDENTIALS_HINT = (url: UrlCredentials) =>
  url.keysInUrls
    ? '?token=<key or stream token for this stream>'
    : '?token=<stream token for this stream> (API keys are not accepted in URLs here)';

/**
 * For SSE routes, which browsers open with EventSource (no headers): the Authorization header,
 * or `?token=` (urlPrincipal). Then the key's read rate, and one of its open-stream slots, which
 * the stream keeps until it closes (api/limits/stream-slots.ts).
 */
export function requireStreamRole(
  keys: ApiKeyRing,
  tokens: StreamTokenVerifier,
  needed: Role,
  scopeOf: (c: Context) => string,
  url: UrlCredentials = { keysInUrls: true },
  limiter?: KeyLimiter,
  sessions?: SessionAuth,
): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async (c, next) => {
    const header = c.req.header('authorization');
    const query = c.req.query('token');
    // A console session (same-origin EventSource/fetch sends the cookie) when nothing else is presented.
    const found =
      header === undefined && query === undefined && sessions
        ? sessionPrincipal(c, sessions)
        : urlPrincipal(keys, tokens, url, bearerToken(header), query, scopeOf(c));
    if (found && 'expiredAt' in found) throw unauthorized(c, expiredMessage(found));
    const principal = found;
    if (!principal) {
      throw unauthorized(
        c,
        `Missing, invalid or expired credentials: send Authorization: Bearer <key>, or ${URL_CREDENTIALS_HINT(url)} (POST /api/v1/stream-tokens)`,
      );
    }
    if (!roleAllows(principal.role, needed)) throw forbidden(principal, needed);
    limiter?.admit(c, principal.label, 'read');
    const slot = limiter?.holdStream(c, principal.label);
    c.set('principal', principal);
    try {
      await next();
    } finally {
      // No stream took the slot (a 404, a client gone before it opened): it is free again.
      if (slot && !slot.taken) slot.release();
    }
  };
}

/** The Hono environment of every Switchyard route: the authenticated principal, once checked. */
export type SwitchyardEnv = { Variables: AuthVariables };
