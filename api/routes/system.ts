import { randomUUID } from 'node:crypto';
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppDeps } from '../app-deps.js';
import type { SwitchyardEnv } from '../auth.js';
import { ok } from '../envelope.js';
import { ApiError } from '../errors.js';
import { envelopeSchema, errorResponses } from '../openapi-schemas.js';
import { workerProbeWorkflow, type WorkerProbeResult } from '../../workflows/worker-probe.js';

const WorkerProbeSchema = z
  .object({
    workflowId: z.string(),
    workerIdentity: z.string(),
    taskQueue: z.string(),
    sandbox: z.boolean(),
    attempt: z.number().int(),
    roundTripMs: z.number().int(),
  })
  .openapi('WorkerProbe');

const PROBE_TIMEOUT_MS = 10_000;

export function registerSystemRoutes(app: OpenAPIHono<SwitchyardEnv>, deps: AppDeps) {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/me',
      tags: ['System'],
      summary: 'Who this API key is: its label and role (the web console uses it to offer only allowed actions)',
      security: [{ bearerAuth: [] }],
      middleware: [deps.auth('viewer')] as const,
      responses: {
        200: {
          description: 'The key',
          content: {
            'application/json': {
              schema: envelopeSchema(
                z.object({
                  label: z.string(),
                  role: z.enum(['viewer', 'deployer', 'approver', 'admin']),
                  keyId: z.string().optional(),
                  person: z.string().optional(),
                }),
              ),
            },
          },
        },
        ...errorResponses(401),
      },
    }),
    (c) => ok(c, 'API key', c.get('principal')),
  );

  const route = createRoute({
    method: 'post',
    path: '/api/v1/system/worker-probe',
    tags: ['System'],
    summary: 'Run a probe workflow end to end (client → server → worker → activity → result)',
    description:
      "Admin only: each call starts a workflow, so it is no viewer's to repeat (GET /healthz tells anyone whether a worker polls).",
    security: [{ bearerAuth: [] }],
    // Each call starts a workflow: admins only, and counted as a start for the key's rate.
    middleware: [deps.auth('admin', 'start')] as const,
    responses: {
      200: { description: 'A worker ran the probe', content: { 'application/json': { schema: envelopeSchema(WorkerProbeSchema) } } },
      ...errorResponses(401, 403, 503),
    },
  });
  app.openapi(route, async (c) => {
    const started = Date.now();
    const handle = await deps.client.workflow.start(workerProbeWorkflow, {
      taskQueue: deps.taskQueue,
      workflowId: `probe-${randomUUID()}`,
      workflowExecutionTimeout: `${PROBE_TIMEOUT_MS} milliseconds`,
      args: [],
    });
    let result: WorkerProbeResult;
    try {
      result = await handle.result();
    } catch {
      throw new ApiError(503, `No worker completed the probe within ${PROBE_TIMEOUT_MS / 1000} s on task queue ${deps.taskQueue}`);
    }
    return ok(c, 'Worker probe completed', { ...result, roundTripMs: Date.now() - started });
  });
}
