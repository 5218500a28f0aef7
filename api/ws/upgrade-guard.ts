// Why: what GET /ws answers before any upgrade (foreign origins, plain HTTP) is HTTP, not WebSocket, policy.
import type { MiddlewareHandler } from 'hono';
import type { Logger } from '../../common/logger.js';
import type { SwitchyardEnv } from '../auth.js';
import { errorResponse } from '../errors.js';
import { originAllowed } from './origin.js';

/**
 * Lets a WebSocket upgrade from an allowed origin through to the upgrade handler; refuses other
 * origins (403) and answers a plain GET with 426 Upgrade Required.
 */
export function upgradeGuard(allowedOrigins: readonly string[], log: Logger): MiddlewareHandler<SwitchyardEnv> {
  return async (c, next) => {
    if (c.req.header('upgrade')?.toLowerCase() === 'websocket') {
      // Cross-site WebSocket hijacking: a page elsewhere could open /ws with a key it holds
      // (or ?token=); refuse foreign origins before the upgrade.
      const origin = c.req.header('origin');
      if (!originAllowed(origin, c.req.header('host'), allowedOrigins)) {
        log.info({ origin }, 'websocket upgrade refused: origin not allowed');
        return errorResponse(c, 403, `Origin ${origin ?? ''} may not open a WebSocket here: set SWITCHYARD_ALLOWED_ORIGINS`);
      }
      return next();
    }
    c.header('Upgrade', 'websocket');
    return errorResponse(c, 426, 'GET /ws is a WebSocket endpoint: connect with a WebSocket client (Upgrade: websocket)');
  };
}
