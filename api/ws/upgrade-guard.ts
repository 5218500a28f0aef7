// Why: what GET /ws answers before any upgrade (foreign origins, plain HTTP) is HTTP, not WebSocket, policy.
import type { MiddlewareHandler } from 'hono';
import type { Logger } from '../../common/logger.js';
import type { SessionAuth, SwitchyardEnv } from '../auth.js';
import { errorResponse } from '../errors.js';
import { cookieOriginAllowed, upgradeCookie } from './cookie-auth.js';
import { originAllowed } from './origin.js';

/**
 * Lets a WebSocket upgrade from an allowed origin through to the upgrade handler; refuses other
 * origins (403), and a session cookie without an allowed Origin (403, cookie-auth.ts), and
 * answers a plain GET with 426 Upgrade Required.
 */
export function upgradeGuard(allowedOrigins: readonly string[], log: Logger, sessions?: SessionAuth): MiddlewareHandler<SwitchyardEnv> {
  return async (c, next) => {
    if (c.req.header('upgrade')?.toLowerCase() === 'websocket') {
      // Cross-site WebSocket hijacking: a page elsewhere could open /ws with a key it holds
      // (or ?token=); refuse foreign origins before the upgrade.
      const origin = c.req.header('origin');
      if (!originAllowed(origin, c.req.header('host'), allowedOrigins)) {
        log.info({ origin }, 'websocket upgrade refused: origin not allowed');
        return errorResponse(c, 403, `Origin ${origin ?? ''} may not open a WebSocket here: set SWITCHYARD_ALLOWED_ORIGINS`);
      }
      if (sessions && upgradeCookie(c) !== undefined && !cookieOriginAllowed(origin, c.req.header('host'), allowedOrigins)) {
        log.info({ origin }, 'websocket upgrade refused: session cookie without an allowed origin');
        return errorResponse(
          c,
          403,
          "Cross-site WebSocket refused: a session-authenticated WebSocket must come from the console's own origin",
        );
      }
      return next();
    }
    c.header('Upgrade', 'websocket');
    return errorResponse(c, 426, 'GET /ws is a WebSocket endpoint: connect with a WebSocket client (Upgrade: websocket)');
  };
}
