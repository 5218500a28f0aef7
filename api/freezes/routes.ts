// Freezes and the emergency stop (admin): POST/GET /api/v1/freezes, DELETE /api/v1/freezes/{id},
// POST /api/v1/freezes/emergency-stop. The freeze workflow keeps them (FreezeService); the
// deployment workflow refuses a frozen switch unless an admin overrides it.
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppDeps } from '../app-deps.js';
import type { SwitchyardEnv } from '../auth.js';
import type { DeploymentService } from '../deployments/deployment-service.js';
import { ok } from '../envelope.js';
import { ApiError } from '../errors.js';
import { envelopeSchema, errorResponses, jsonResponse } from '../openapi-schemas.js';
import { activeFreezes } from '../../domain/freeze.js';
import type { FreezeService } from './freeze-service.js';

const security = [{ bearerAuth: [] }];
const body = <T extends z.ZodType>(schema: T) => ({ body: { required: true, content: { 'application/json': { schema } } } });
const serviceKey = z
  .string()
  .max(512)
  .regex(/^[A-Za-z0-9_-]{1,255}\/[A-Za-z0-9_-]{1,255}$/, 'must be cluster/service (ECS names)');
const isoTime = z
  .string()
  .max(40)
  .refine((v) => !Number.isNaN(Date.parse(v)), 'must be an ISO-8601 time');

export const FreezeSchema = z
  .object({
    id: z.string(),
    scope: z.union([z.literal('all'), z.array(z.string())]),
    reason: z.string(),
    startsAt: z.string(),
    endsAt: z.string(),
    by: z.string(),
    createdAt: z.string(),
  })
  .openapi('Freeze');

const FreezeRequestSchema = z
  .object({
    scope: z
      .union([z.literal('all'), z.array(serviceKey).min(1).max(100)])
      .openapi({ description: '"all", or the cluster/service keys it covers', example: 'all' }),
    reason: z.string().min(1).max(500).openapi({ example: 'Black Friday' }),
    startsAt: isoTime.optional().openapi({ description: 'Default: now' }),
    endsAt: isoTime.openapi({ example: '2026-11-28T00:00:00Z' }),
  })
  .strict()
  .openapi('FreezeRequest');

const EmergencyStopSchema = z
  .object({
    reason: z.string().min(1).max(500),
    freezeMinutes: z
      .number()
      .int()
      .min(1)
      .max(7 * 24 * 60)
      .default(60)
      .openapi({ description: 'The freeze over all services that comes with the stop' }),
  })
  .strict()
  .openapi('EmergencyStopRequest');

export interface FreezeRouteDeps {
  freezes: FreezeService;
  deployments: DeploymentService;
}

export function registerFreezeRoutes(app: OpenAPIHono<SwitchyardEnv>, deps: AppDeps, { freezes, deployments }: FreezeRouteDeps): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/freezes',
      tags: ['Freezes'],
      summary: 'Set a freeze: no deployment in scope starts (423), none at the gate switches without an admin override',
      security,
      middleware: [deps.auth('admin')] as const,
      request: body(FreezeRequestSchema),
      responses: { 201: jsonResponse(envelopeSchema(FreezeSchema), 'Set'), ...errorResponses(400, 401, 403, 503) },
    }),
    async (c) => {
      const request = c.req.valid('json');
      const freeze = await freezes.set({
        ...request,
        startsAt: request.startsAt ?? new Date().toISOString(),
        by: c.get('principal').label,
      });
      return ok(c, 'Freeze set', freeze, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/freezes',
      tags: ['Freezes'],
      summary: 'Freezes in force and planned',
      security,
      middleware: [deps.auth('viewer')] as const,
      responses: {
        200: jsonResponse(envelopeSchema(z.object({ freezes: z.array(FreezeSchema), active: z.array(FreezeSchema) })), 'Freezes'),
        ...errorResponses(401, 403),
      },
    }),
    async (c) => {
      const all = await freezes.list();
      return ok(c, 'Freezes', { freezes: all, active: activeFreezes(all, Date.now()) });
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/v1/freezes/{id}',
      tags: ['Freezes'],
      summary: 'Lift a freeze now',
      security,
      middleware: [deps.auth('admin')] as const,
      request: {
        params: z.object({
          id: z
            .string()
            .max(40)
            .regex(/^frz_[0-9a-f]{10}$/, 'must be a freeze id (frz_…)')
            .openapi({ param: { name: 'id', in: 'path' } }),
        }),
      },
      responses: { 200: jsonResponse(envelopeSchema(FreezeSchema), 'Lifted'), ...errorResponses(400, 401, 403, 404, 503) },
    }),
    async (c) => ok(c, 'Freeze lifted', await freezes.lift(c.req.valid('param').id, c.get('principal').label)),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/freezes/emergency-stop',
      tags: ['Freezes'],
      summary: 'Emergency stop: freeze everything and roll back every deployment not yet switched; reports what it stopped',
      security,
      middleware: [deps.auth('admin')] as const,
      request: body(EmergencyStopSchema),
      responses: {
        200: jsonResponse(
          envelopeSchema(
            z.object({
              freeze: FreezeSchema,
              stopped: z.array(z.string()).openapi({ description: 'Deployments rolled back' }),
              failed: z
                .array(z.object({ deploymentId: z.string(), message: z.string() }))
                .openapi({ description: 'Deployments that could not be stopped (switched or ended meanwhile), with why' }),
            }),
          ),
          'Stopped',
        ),
        ...errorResponses(400, 401, 403, 503),
      },
    }),
    async (c) => {
      const { reason, freezeMinutes } = c.req.valid('json');
      const by = c.get('principal').label;
      const now = Date.now();
      // The freeze first: nothing new starts while the running ones are being stopped.
      const freeze = await freezes.set({
        scope: 'all',
        reason: `emergency stop: ${reason}`,
        startsAt: new Date(now).toISOString(),
        endsAt: new Date(now + freezeMinutes * 60_000).toISOString(),
        by,
      });
      const stopped: string[] = [];
      const failed: { deploymentId: string; message: string }[] = [];
      await Promise.all(
        (await deployments.unswitched()).map(async (id) => {
          try {
            await deployments.rollback(id, { by, via: 'api', role: 'admin', reason: `emergency stop: ${reason}` }, undefined, {
              stopOnly: true,
            });
            stopped.push(id);
          } catch (error) {
            failed.push({
              deploymentId: id,
              message: error instanceof ApiError ? error.message : 'unexpected error (see the Switchyard log)',
            });
          }
        }),
      );
      return ok(c, `Emergency stop: ${stopped.length} deployment(s) rolled back`, { freeze, stopped: stopped.sort(), failed });
    },
  );
}
