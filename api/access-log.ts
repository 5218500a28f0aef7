// One access log line per request: request id, key label, route template, status, duration.
// The route template (`/api/v1/deploy/:id`), never the raw URL: query strings may carry `?token=`
// (stream tokens, or API keys on SSE and /ws), and headers are never logged at all.
import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { Logger } from '../common/logger.js';
import type { AuthVariables } from './auth.js';

export function accessLog(logger: Logger): MiddlewareHandler<{ Variables: AuthVariables & { requestId: string } }> {
  return async (c, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      // After next(), routePath names the handler that answered (or '*' when none matched).
      const principal = c.get('principal');
      logger.info(
        {
          requestId: c.get('requestId'),
          method: c.req.method,
          route: routePath(c),
          status: c.res.status,
          durationMs: Math.round((performance.now() - started) * 10) / 10,
          ...(principal ? { key: principal.label } : {}),
        },
        'request',
      );
    }
  };
}
