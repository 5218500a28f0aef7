// POST /api/v1/stream-tokens: a short-lived token that opens one SSE stream from a browser's
// EventSource, or a WebSocket on GET /ws (neither can send Authorization): `?token=<token>` on its URL.
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppDeps } from '../app-deps.js';
import type { SwitchyardEnv } from '../auth.js';
import { ok } from '../envelope.js';
import { envelopeSchema, errorResponses, jsonResponse } from '../openapi-schemas.js';
import { StreamScopeSchema, type StreamTokenSigner } from './stream-token.js';

const StreamTokenRequestSchema = z
  .object({
    scope: StreamScopeSchema.openapi({
      example: 'deployment:dep_1a2b3c4d5e6f',
      description:
        'The one stream the token opens: `deployment:<id>` (GET /api/v1/deploy/{id}/events), `distribution:<eventId>` (GET /api/distribution/{eventId}/events), or `ws` (GET /ws)',
    }),
  })
  .openapi('StreamTokenRequest');

const StreamTokenSchema = z
  .object({
    token: z.string().openapi({
      description: 'Pass as `?token=` on the stream URL; signed (HMAC-SHA256), bound to the scope, accepted by every API replica',
    }),
    expiresAt: z.string().openapi({ description: 'ISO 8601: connect before this (5 minutes); an open stream is not cut at expiry' }),
    scope: z.string(),
  })
  .openapi('StreamToken');

export function registerStreamTokenRoutes(app: OpenAPIHono<SwitchyardEnv>, deps: Pick<AppDeps, 'auth'>, signer: StreamTokenSigner): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/stream-tokens',
      tags: ['Live'],
      summary: 'A short-lived token for one SSE stream or a /ws connection (for browsers, which cannot send headers there)',
      security: [{ bearerAuth: [] }],
      middleware: [deps.auth('viewer')] as const,
      request: { body: { required: true, content: { 'application/json': { schema: StreamTokenRequestSchema } } } },
      responses: { 200: jsonResponse(envelopeSchema(StreamTokenSchema), 'The token'), ...errorResponses(400, 401) },
    }),
    (c) => {
      const { scope } = c.req.valid('json');
      return ok(c, 'Stream token issued', { ...signer.issue(scope, c.get('principal')), scope });
    },
  );
}
