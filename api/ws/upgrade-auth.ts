// Who opens /ws: the Authorization header; or `?token=` (a stream token of scope `ws`, or the key
// where keys in URLs are allowed); or, when neither is presented, the console's session cookie.
import type { Context } from 'hono';
import { bearerToken, urlPrincipal, type ApiKeyRing, type ExpiredKey, type SessionAuth, type StreamTokenVerifier } from '../auth.js';
import type { Principal } from '../principal.js';
import { WS_SCOPE } from '../streams/stream-token.js';
import { cookieSession, upgradeCookie } from './cookie-auth.js';

export interface UpgradeAuthDeps {
  keys: ApiKeyRing;
  streamTokens?: StreamTokenVerifier | undefined;
  keysInUrls?: boolean | undefined;
  sessions?: SessionAuth | undefined;
}

export interface UpgradeAuth {
  /** The principal, an expired key, or nobody. */
  found: Principal | ExpiredKey | undefined;
  /** A session cookie was what was presented (valid or not). */
  cookie?: true;
  /** When the session ends (ms): its socket is closed then. */
  sessionEndsAt?: number;
}

const noTokens: StreamTokenVerifier = { verify: () => undefined };

export function upgradeAuth(c: Context, deps: UpgradeAuthDeps): UpgradeAuth {
  const cookie = deps.sessions ? upgradeCookie(c) : undefined;
  if (cookie !== undefined && deps.sessions) {
    const session = cookieSession(cookie, deps.sessions);
    return { found: session?.principal, cookie: true, ...(session ? { sessionEndsAt: session.expiresAtMs } : {}) };
  }
  return {
    found: urlPrincipal(
      deps.keys,
      deps.streamTokens ?? noTokens,
      { keysInUrls: deps.keysInUrls ?? true },
      bearerToken(c.req.header('authorization')),
      c.req.query('token'),
      WS_SCOPE,
    ),
  };
}
