import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppDeps } from '../app-deps.js';
import type { SwitchyardEnv } from '../auth.js';
import { checkTemporal } from '../temporal-health.js';

const HealthSchema = z
  .object({
    status: z
      .enum(['UP', 'DEGRADED', 'DOWN'])
      .openapi({ description: 'UP: Temporal reachable and a worker polling; DEGRADED: no worker polling; DOWN: Temporal unreachable' }),
    sandbox: z.boolean().openapi({ description: 'True when external services are local emulators' }),
    version: z.string(),
    uptimeSeconds: z.number().int(),
    temporal: z.object({
      reachable: z.boolean(),
      address: z.string(),
      namespace: z.string(),
      serverVersion: z.string().optional(),
      error: z.string().optional(),
    }),
    worker: z.object({ taskQueue: z.string(), polling: z.boolean(), pollers: z.number().int() }),
  })
  .openapi('Health');

const healthRoute = createRoute({
  method: 'get',
  path: '/healthz',
  tags: ['System'],
  summary: 'Liveness and readiness: Temporal reachable, worker polling, sandbox flag',
  responses: {
    200: { description: 'Temporal reachable (status UP or DEGRADED)', content: { 'application/json': { schema: HealthSchema } } },
    503: { description: 'Temporal unreachable', content: { 'application/json': { schema: HealthSchema } } },
  },
});

export function registerHealthRoutes(app: OpenAPIHono<SwitchyardEnv>, deps: AppDeps) {
  const startedAt = Date.now();
  app.openapi(healthRoute, async (c) => {
    const { worker, ...temporalHealth } = await checkTemporal(deps.client, deps.temporalAddress, deps.taskQueue);
    const status = !temporalHealth.reachable ? 'DOWN' : worker.polling ? 'UP' : 'DEGRADED';
    const body = {
      status,
      sandbox: deps.sandbox,
      version: deps.version,
      uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
      temporal: temporalHealth,
      worker,
    } as const;
    return temporalHealth.reachable ? c.json(body, 200) : c.json(body, 503);
  });
}
