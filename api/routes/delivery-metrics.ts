// GET /api/v1/metrics/delivery: the DORA four per service and for all services over a window
// (docs/delivery-metrics.md). The zod schemas below are the contract the CLI and console read.
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Client } from '@temporalio/client';
import type { MiddlewareHandler } from 'hono';
import type { Role } from '../../common/config/config.js';
import type { SwitchyardEnv } from '../auth.js';
import { ok } from '../envelope.js';
import { ApiError } from '../errors.js';
import { DeliveryMetricsService } from '../metrics/delivery-service.js';
import { envelopeSchema, errorResponses, jsonResponse } from '../openapi-schemas.js';

const DAY_MS = 86_400_000;
export const DEFAULT_WINDOW_DAYS = 30;
export const MAX_WINDOW_DAYS = 366;
export const DEFAULT_ROLLBACK_WINDOW_HOURS = 24;

const instant = (name: 'from' | 'to', description: string) =>
  z
    .union([z.iso.datetime({ offset: true }), z.iso.date()])
    .optional()
    .openapi({ param: { name, in: 'query' }, description, example: name === 'from' ? '2026-11-01' : '2026-12-01T00:00:00Z' });

export const DeliveryMetricsQuerySchema = z.object({
  // Checked against ECS names' alphabet: the value goes into a visibility query.
  service: z
    .string()
    .regex(/^([A-Za-z0-9_-]{1,255}\/)?[A-Za-z0-9_-]{1,255}$/, 'must be cluster/service or service (ECS names)')
    .optional()
    .openapi({
      param: { name: 'service', in: 'query' },
      description: 'cluster/service, or a service of the default cluster; absent: all services',
    }),
  from: instant(
    'from',
    `Start of the window (ISO 8601 date-time, or a date = its 00:00 UTC). Default: ${DEFAULT_WINDOW_DAYS} days before \`to\``,
  ),
  to: instant('to', 'End of the window, inclusive (ISO 8601 date-time, or a date = the end of that UTC day). Default: now'),
  rollbackWindowHours: z.coerce
    .number()
    .int()
    .min(0)
    .max(720)
    .default(DEFAULT_ROLLBACK_WINDOW_HOURS)
    .openapi({
      param: { name: 'rollbackWindowHours', in: 'query' },
      description: 'A COMPLETED release whose rollback deployment starts within this many hours counts as a failed change',
    }),
});

const seconds = (description: string) =>
  z
    .number()
    .nullable()
    .openapi({ description: `${description}, in seconds; null when there is no sample` });

const FiguresSchema = z
  .object({
    releases: z
      .object({
        completed: z.number().int(),
        rolledBack: z.number().int(),
        failed: z.number().int(),
        rollbackDeployments: z
          .number()
          .int()
          .openapi({ description: 'Rollback deployments (POST …/rollback after completion) that ended in the window; not releases' }),
      })
      .openapi({ description: 'Releases (deployments that are not rollback deployments) that ended in the window, by outcome' }),
    deploymentFrequency: z
      .object({
        completed: z.number().int(),
        perDay: z.number(),
        perWeek: z.number(),
      })
      .openapi({ description: 'COMPLETED releases in the window, and per day and per 7 days of the window' }),
    leadTimeForChanges: z.object({
      samples: z.number().int().openapi({ description: 'COMPLETED releases with a recorded commit date' }),
      withoutCommitDate: z
        .number()
        .int()
        .openapi({ description: 'COMPLETED releases without one (runs older than the recording): left out' }),
      medianSeconds: seconds('Median of commit date → COMPLETED'),
      p90Seconds: seconds('90th percentile (nearest rank) of commit date → COMPLETED'),
    }),
    changeFailureRate: z.object({
      releases: z.number().int().openapi({ description: 'COMPLETED + ROLLED_BACK releases' }),
      failed: z.number().int().openapi({ description: 'ROLLED_BACK releases + COMPLETED releases rolled back within rollbackWindowHours' }),
      rate: z.number().min(0).max(1).nullable().openapi({ description: 'failed / releases; null when there is no release' }),
    }),
    timeToRestore: z.object({
      failures: z
        .number()
        .int()
        .openapi({ description: 'FAILED and ROLLED_BACK releases, and COMPLETED releases rolled back within the window' }),
      restored: z.number().int().openapi({ description: 'Failures followed by a COMPLETED run of the same service' }),
      medianSeconds: seconds('Median of failure end → next COMPLETED run of the same service'),
    }),
  })
  .openapi('DeliveryFigures');

export const DeliveryMetricsSchema = z
  .object({
    window: z.object({
      from: z.string().openapi({ format: 'date-time' }),
      to: z.string().openapi({ format: 'date-time' }),
      days: z.number(),
      rollbackWindowHours: z.number().int(),
    }),
    service: z.string().nullable().openapi({ description: 'The service asked for (cluster/service), or null for all' }),
    runs: z.object({
      read: z.number().int().openapi({ description: 'Ended deployment runs read from Temporal visibility' }),
      unreadable: z.number().int().openapi({ description: 'Runs whose result could not be read: left out' }),
      cap: z.number().int(),
      truncated: z
        .boolean()
        .openapi({ description: 'True when the window held more runs than `cap`: the figures cover the first `cap` only' }),
    }),
    overall: FiguresSchema,
    services: z.array(FiguresSchema.extend({ service: z.string() })),
  })
  .openapi('DeliveryMetrics');

export interface DeliveryMetricsRouteDeps {
  client: Client;
  taskQueue: string;
  deploy: { defaults: { target: { cluster?: string | undefined } } };
  auth: (role: Role) => MiddlewareHandler;
}

/** The window the query asks for: a date `to` is the end of that UTC day. */
export function deliveryWindowOf(
  query: { from?: string | undefined; to?: string | undefined },
  now = new Date(),
): { from: Date; to: Date } {
  const isDate = (value: string) => /^\d{4}-\d{2}-\d{2}$/.test(value);
  const to = query.to === undefined ? now : new Date(Date.parse(query.to) + (isDate(query.to) ? DAY_MS - 1 : 0));
  const from = query.from === undefined ? new Date(to.getTime() - DEFAULT_WINDOW_DAYS * DAY_MS) : new Date(query.from);
  // zod checked the format; a date that does not exist (2026-02-30) is still refused here.
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) throw new ApiError(400, 'from and to must be real dates');
  if (from.getTime() >= to.getTime()) throw new ApiError(400, `from (${from.toISOString()}) must be before to (${to.toISOString()})`);
  if (to.getTime() - from.getTime() > MAX_WINDOW_DAYS * DAY_MS)
    throw new ApiError(400, `The window may be ${MAX_WINDOW_DAYS} days at most`);
  return { from, to };
}

export function registerDeliveryMetricsRoutes(
  app: OpenAPIHono<SwitchyardEnv>,
  deps: DeliveryMetricsRouteDeps,
  service?: DeliveryMetricsService,
) {
  const metrics = service ?? new DeliveryMetricsService(deps.client, deps.taskQueue, deps.deploy.defaults.target.cluster);
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/metrics/delivery',
      tags: ['Deployment'],
      summary: 'Delivery metrics (the DORA four): deployment frequency, lead time for changes, change failure rate, time to restore',
      description:
        'Per service and for all services, from the deployments that ended in the window (Temporal visibility and their results). ' +
        'Definitions: docs/delivery-metrics.md. At most `runs.cap` runs are read; `runs.truncated` says when the window held more.',
      security: [{ bearerAuth: [] }],
      middleware: [deps.auth('viewer')] as const,
      request: { query: DeliveryMetricsQuerySchema },
      responses: { 200: jsonResponse(envelopeSchema(DeliveryMetricsSchema), 'The four figures'), ...errorResponses(400, 401, 403) },
    }),
    async (c) => {
      const query = c.req.valid('query');
      const { from, to } = deliveryWindowOf(query);
      const rollbackWindowMs = query.rollbackWindowHours * 3_600_000;
      const report = await metrics.report({ service: query.service, window: { from, to, rollbackWindowMs } });
      return ok(c, '배포 지표 조회 성공', {
        window: {
          from: from.toISOString(),
          to: to.toISOString(),
          days: (to.getTime() - from.getTime()) / DAY_MS,
          rollbackWindowHours: query.rollbackWindowHours,
        },
        service: report.serviceKey ?? null,
        runs: report.runs,
        overall: report.overall,
        services: report.services,
      });
    },
  );
}
