// POST /api/v1/sessions: exchange the API key (Authorization: Bearer) for a console session
// cookie — HttpOnly (no script reads it), SameSite=Strict (no other site sends it), Secure over
// https. DELETE /api/v1/sessions signs out by clearing it. The session holds the key's principal,
// never the key, so it can do exactly what the key can, until it expires.
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import type { AppDeps } from '../app-deps.js';
import type { SwitchyardEnv } from '../auth.js';
import { ok } from '../envelope.js';
import { ApiError } from '../errors.js';
import { envelopeSchema, errorResponses, jsonResponse } from '../openapi-schemas.js';
import { originAllowed } from '../ws/origin.js';
import { SESSION_COOKIE, type SessionSigner } from './session-signer.js';

const SessionSchema = z
  .object({
    label: z.string().openapi({ description: "The key's label: who the console acts as" }),
    role: z.enum(['viewer', 'deployer', 'approver', 'admin']),
    person: z.string().optional(),
    expiresAt: z.string().openapi({ description: 'ISO 8601: sign in again after this (SWITCHYARD_SESSION_TTL_MINUTES)' }),
  })
  .openapi('Session');

// Only a key opens a session: a session cannot renew itself past its expiry.
const keyOnly: MiddlewareHandler = async (c, next) => {
  if (c.req.header('authorization') === undefined) {
    c.header('WWW-Authenticate', 'Bearer realm="switchyard"');
    throw new ApiError(401, 'Send your API key as Authorization: Bearer <key> to open a session');
  }
  await next();
};

const secure = (c: Context) => new URL(c.req.url).protocol === 'https:';

export function registerSessionRoutes(
  app: OpenAPIHono<SwitchyardEnv>,
  deps: Pick<AppDeps, 'auth' | 'allowedOrigins'>,
  signer: SessionSigner,
): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/sessions',
      tags: ['Sessions'],
      summary: 'Exchange an API key for a short-lived console session cookie',
      description:
        'Sets `sy_session` (HttpOnly, SameSite=Strict, Secure over https). Cookie-authenticated POST/PUT/PATCH/DELETE must carry an Origin of the API itself (or SWITCHYARD_ALLOWED_ORIGINS), else 403.',
      security: [{ bearerAuth: [] }],
      middleware: [keyOnly, deps.auth('viewer')] as const,
      responses: { 201: jsonResponse(envelopeSchema(SessionSchema), 'The session'), ...errorResponses(401) },
    }),
    (c) => {
      const principal = c.get('principal');
      const { cookie, expiresAt } = signer.issue(principal);
      setCookie(c, SESSION_COOKIE, cookie, {
        httpOnly: true,
        sameSite: 'Strict',
        secure: secure(c),
        path: '/',
        maxAge: Math.floor(signer.ttlMs / 1000),
      });
      return ok(
        c,
        'Session opened',
        {
          label: principal.label,
          role: principal.role,
          ...(principal.person ? { person: principal.person } : {}),
          expiresAt,
        },
        201,
      );
    },
  );
  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/v1/sessions',
      tags: ['Sessions'],
      summary: 'Sign out: clear the console session cookie',
      responses: { 200: jsonResponse(envelopeSchema(z.object({ signedOut: z.boolean() })), 'Signed out'), ...errorResponses(403) },
    }),
    (c) => {
      // Another site may not sign the console out either.
      const origin = c.req.header('origin');
      if (origin !== undefined && !originAllowed(origin, c.req.header('host'), deps.allowedOrigins ?? [])) {
        throw new ApiError(403, "Cross-site request refused: sign out from the console's own origin");
      }
      deleteCookie(c, SESSION_COOKIE, { path: '/', secure: secure(c), httpOnly: true, sameSite: 'Strict' });
      return ok(c, 'Signed out', { signedOut: true });
    },
  );
}
