// The shared secret both hook doors check (CODEDEPLOY_HOOK_SECRET, sent by the hook Lambda as
// X-Switchyard-Hook-Secret), compared in constant time.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { Logger } from '../../common/logger.js';
import type { SlackConfig } from '../../common/config/slack.js';
import { errorResponse } from '../errors.js';

export const HOOK_SECRET_HEADER = 'X-Switchyard-Hook-Secret';
export const HOOK_ERROR = 'Hook Error';

function sameSecret(presented: string | undefined, expected: string): boolean {
  if (!presented) return false;
  // Digests have equal lengths, so timingSafeEqual compares without leaking the secret's length.
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** 503 while no secret is configured, 401 for a missing or wrong one; `component` names the door in the log. */
export function requireHookSecret(deps: { config: Pick<SlackConfig, 'hook'>; logger: Logger }, component: string): MiddlewareHandler {
  return async (c, next) => {
    const secret = deps.config.hook.secret;
    if (!secret) return errorResponse(c, 503, 'The CodeDeploy hook is not configured: set CODEDEPLOY_HOOK_SECRET', {}, HOOK_ERROR);
    if (!sameSecret(c.req.header(HOOK_SECRET_HEADER), secret)) {
      deps.logger.warn({ component }, `${component} call with a missing or wrong secret`);
      return errorResponse(c, 401, `Missing or invalid ${HOOK_SECRET_HEADER} header`);
    }
    await next();
  };
}
