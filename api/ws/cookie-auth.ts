// /ws with the console's session cookie. A browser sends the cookie with every WebSocket upgrade
// to this host, whichever page opens the socket (SameSite does not cover a page of a sibling
// site, and WebSockets are not subject to CORS): cross-site WebSocket hijacking. So a
// cookie-authenticated upgrade must name an allowed Origin, and is refused (403) before the
// upgrade without one; keys and stream tokens are not sent by the browser on their own, so
// their rules stay as they were (origin.ts).
import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import type { SessionAuth } from '../auth.js';
import type { Principal } from '../principal.js';
import { SESSION_COOKIE } from '../sessions/session-signer.js';
import { originAllowed } from './origin.js';

/** The session cookie, when it is what authenticates this upgrade: no Authorization header and no `?token=`. */
export function upgradeCookie(c: Context): string | undefined {
  if (c.req.header('authorization') !== undefined || c.req.query('token') !== undefined) return undefined;
  return getCookie(c, SESSION_COOKIE);
}

/**
 * Whether a cookie-authenticated upgrade comes from an allowed page: it must carry an Origin,
 * equal to the API's own (by Host) or listed in SWITCHYARD_ALLOWED_ORIGINS. `*` does not count
 * here: with a cookie it would let any site act as the signed-in user.
 */
export function cookieOriginAllowed(origin: string | undefined, host: string | undefined, allowed: readonly string[]): boolean {
  if (origin === undefined) return false;
  return originAllowed(
    origin,
    host,
    allowed.filter((entry) => entry !== '*'),
  );
}

/** A session principal for the socket, and when the session ends (the socket is closed then). */
export interface CookieSession {
  principal: Principal;
  expiresAtMs: number;
}

/** The cookie's session if it is genuine and unexpired; its role is the key's as issued, never more. */
export function cookieSession(cookie: string, sessions: SessionAuth): CookieSession | undefined {
  const found = sessions.signer.verify(cookie);
  if (!found) return undefined;
  const { expiresAt, ...principal } = found;
  return { principal: { ...principal, via: 'session' }, expiresAtMs: Date.parse(expiresAt) };
}
