// Kubernetes-style probes, split so a Temporal outage does not restart healthy API pods:
// /livez is the process alone (no I/O); /readyz is "send me traffic": Temporal reachable and a
// worker polling the task queue. /healthz (routes/health.ts) stays as it was for existing clients.
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppDeps } from '../app-deps.js';
import type { SwitchyardEnv } from '../auth.js';
import { checkTemporal } from '../temporal-health.js';

const LivenessSchema = z
  .object({
    status: z.literal('UP').openapi({ description: 'The process answers; nothing else is checked' }),
    version: z.string(),
    uptimeSeconds: z.number().int(),
  })
  .openapi('Liveness');

const ReadinessSchema = z
  .object({
    ready: z.boolean().openapi({ description: 'Temporal reachable and a worker polling the task queue' }),
    temporal: z.object({ reachable: z.boolean(), error: z.string().optional() }),
    worker: z.object({ taskQueue: z.string(), polling: z.boolean(), pollers: z.number().int() }),
  })
  .openapi('Readiness');

const livezRoute = createRoute({
  method: 'get',
  path: '/livez',
  tags: ['System'],
  summary: 'Liveness: the process answers (does not call Temporal)',
  responses: { 200: { description: 'Alive', content: { 'application/json': { schema: LivenessSchema } } } },
});

const readyzRoute = createRoute({
  method: 'get',
  path: '/readyz',
  tags: ['System'],
  summary: 'Readiness: Temporal reachable and a worker polling the task queue',
  responses: {
    200: { description: 'Ready', content: { 'application/json': { schema: ReadinessSchema } } },
    503: {
      description: 'Not ready: Temporal unreachable or no worker polling',
      content: { 'application/json': { schema: ReadinessSchema } },
    },
  },
});

export function registerProbeRoutes(
  app: OpenAPIHono<SwitchyardEnv>,
  deps: Pick<AppDeps, 'client' | 'temporalAddress' | 'taskQueue' | 'version'>,
) {
  const startedAt = Date.now();
  app.openapi(livezRoute, (c) =>
    c.json({ status: 'UP' as const, version: deps.version, uptimeSeconds: Math.round((Date.now() - startedAt) / 1000) }, 200),
  );
  app.openapi(readyzRoute, async (c) => {
    const { reachable, error, worker } = await checkTemporal(deps.client, deps.temporalAddress, deps.taskQueue);
    const body = { ready: reachable && worker.polling, temporal: { reachable, ...(error ? { error } : {}) }, worker };
    return body.ready ? c.json(body, 200) : c.json(body, 503);
  });
}
