// The Distribution Service's operations, plus SSE events and cancel of scheduled channels:
// a sub-app of its own, so every error under /api/distribution (validation, auth, unknown route,
// the unexpected) answers in the Distribution Service's ErrorResponse shape.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppDeps } from '../app-deps.js';
import type { SwitchyardEnv } from '../auth.js';
import { createErrorHandler, createNotFoundHandler, distributionErrorBody } from '../errors.js';
import { distributionErrorResponses, jsonResponse } from '../openapi-schemas.js';
import type { WorkflowEventHub } from '../streams/event-hub.js';
import { DISTRIBUTION_STREAM_EVENTS, sseResponse, streamWorkflowEvents, StreamTokenQuery } from '../streams/sse.js';
import { toDistributionResponse, toRetryResponse, toStatusResponse } from './mapping.js';
import {
  CancelResponseSchema,
  DistributionListSchema,
  DistributionRequestSchema,
  DistributionResponseSchema,
  DistributionStatusResponseSchema,
  EventIdSchema,
  RetryRequestSchema,
  RetryResponseSchema,
} from './schemas.js';
import type { DistributionOperations } from './service.js';
import { validationHook } from '../validation.js';
import { requestBodyLimit } from '../body-limit.js';

const eventIdParam = z.object({ eventId: EventIdSchema.openapi({ param: { name: 'eventId', in: 'path' } }) });
const security = [{ bearerAuth: [] }];

export interface DistributionRouteDeps {
  service: DistributionOperations;
  hub: WorkflowEventHub;
}

/** The Distribution Service's sub-app, mounted at DISTRIBUTION_BASE_PATH. */
export const DISTRIBUTION_BASE_PATH = '/api/distribution';

/** Registers the distribution routes on `app` the way every route module does: mounted as a sub-app, for its error shape. */
export function registerDistributionRoutes(
  app: OpenAPIHono<SwitchyardEnv>,
  deps: Pick<AppDeps, 'auth' | 'streamAuth' | 'logger'>,
  routeDeps: DistributionRouteDeps,
): void {
  app.route(DISTRIBUTION_BASE_PATH, createDistributionApp(deps, routeDeps));
}

export function createDistributionApp(deps: Pick<AppDeps, 'auth' | 'streamAuth' | 'logger'>, { service, hub }: DistributionRouteDeps) {
  const app = new OpenAPIHono<SwitchyardEnv>({ defaultHook: validationHook });
  app.onError(createErrorHandler(deps.logger, distributionErrorBody));
  const notFound = createNotFoundHandler(distributionErrorBody, () => app.routes, DISTRIBUTION_BASE_PATH);
  app.notFound(notFound);
  app.use('*', requestBodyLimit());

  app.openapi(
    createRoute({
      method: 'post',
      path: '/distribute',
      tags: ['Distribution'],
      operationId: 'distributeToChannels',
      summary: '다중 채널 배포 실행: publish one event to its channels in parallel',
      description:
        "Starts (or joins, for an eventId already open) the event's distribution workflow. Answers 200 with final results when every channel settles within a short wait, otherwise 202 with the current PENDING/IN_PROGRESS state.",
      security,
      middleware: [deps.auth('deployer', 'start')] as const,
      request: { body: { required: true, content: { 'application/json': { schema: DistributionRequestSchema } } } },
      responses: {
        200: jsonResponse(DistributionResponseSchema, '배포 완료: every channel settled'),
        202: jsonResponse(DistributionResponseSchema, 'Accepted: channels still pending or in progress'),
        ...distributionErrorResponses(400, 401, 403, 500),
      },
    }),
    async (c) => {
      const { snapshot, settled } = await service.distribute(c.req.valid('json'), c.get('principal').label);
      const body = toDistributionResponse(snapshot);
      return settled ? c.json(body, 200) : c.json(body, 202);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/',
      tags: ['Status'],
      operationId: 'listDistributions',
      summary: 'Recent distributions (Temporal visibility), newest first',
      security,
      middleware: [deps.auth('viewer')] as const,
      request: {
        query: z.object({
          limit: z.coerce
            .number()
            .int()
            .min(1)
            .max(100)
            .default(20)
            .openapi({ param: { name: 'limit', in: 'query' } }),
        }),
      },
      responses: { 200: jsonResponse(DistributionListSchema, 'Distributions'), ...distributionErrorResponses(400, 401, 403) },
    }),
    async (c) => c.json({ distributions: await service.list(c.req.valid('query').limit) }, 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/{eventId}/status',
      tags: ['Status'],
      operationId: 'getDistributionStatus',
      summary: '배포 상태 조회: per-channel status, with progress while in progress',
      security,
      middleware: [deps.auth('viewer')] as const,
      request: { params: eventIdParam },
      responses: {
        200: jsonResponse(DistributionStatusResponseSchema, '배포 상태 조회 성공'),
        ...distributionErrorResponses(400, 401, 403, 404, 500),
      },
    }),
    async (c) => {
      const { eventId } = c.req.valid('param');
      const snapshot = await service.snapshot(eventId);
      const inFlight = snapshot.channels.some((ch) => ch.status === 'IN_PROGRESS');
      const progress = inFlight ? await service.heartbeatProgress(eventId).catch(() => undefined) : undefined;
      return c.json(toStatusResponse(snapshot, progress), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/{eventId}/retry',
      tags: ['Distribution'],
      operationId: 'retryDistribution',
      summary: '실패한 채널 재시도: re-run the named failed channels',
      description:
        'Answers when the retried channels settle, within TEMPORAL_UPDATE_TIMEOUT_SECONDS: a retry still running then is 503 saying so (follow its status). 400 when a named channel did not fail; 404 for an unknown event.',
      security,
      middleware: [deps.auth('deployer')] as const,
      request: { params: eventIdParam, body: { required: true, content: { 'application/json': { schema: RetryRequestSchema } } } },
      responses: { 200: jsonResponse(RetryResponseSchema, '재시도 완료'), ...distributionErrorResponses(400, 401, 403, 404, 500, 503) },
    }),
    async (c) => {
      const { eventId } = c.req.valid('param');
      const outcome = await service.retry(eventId, [...new Set(c.req.valid('json').channels)], c.get('principal').label);
      return c.json(toRetryResponse(outcome), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/{eventId}',
      tags: ['Distribution'],
      operationId: 'cancelScheduledChannels',
      summary: 'Cancel the channels still waiting for their scheduled time',
      security,
      middleware: [deps.auth('deployer')] as const,
      request: { params: eventIdParam },
      responses: { 200: jsonResponse(CancelResponseSchema, 'Cancelled'), ...distributionErrorResponses(400, 401, 403, 404, 500, 503) },
    }),
    async (c) => {
      const { eventId } = c.req.valid('param');
      const cancelled = await service.cancelScheduled(eventId, c.get('principal').label);
      const snapshot = await service.snapshot(eventId);
      return c.json({ eventId, cancelledChannels: cancelled, status: toStatusResponse(snapshot) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/{eventId}/events',
      tags: ['Status'],
      operationId: 'streamDistributionEvents',
      summary: 'Live events (SSE): connected, history, channel events, success/fail',
      description: 'Each event has `id: <seq>`; reconnect with `Last-Event-ID` (or `?lastEventId=`) to resume with no gap or duplicate.',
      security,
      middleware: [deps.streamAuth('viewer', (c) => `distribution:${c.req.param('eventId') ?? ''}`)] as const,
      request: { params: eventIdParam, query: StreamTokenQuery },
      responses: {
        200: sseResponse(DISTRIBUTION_STREAM_EVENTS, "The distribution's events as server-sent events"),
        ...distributionErrorResponses(400, 401, 403, 404),
      },
    }),
    async (c) => {
      const { eventId } = c.req.valid('param');
      return streamWorkflowEvents(c, hub, `distribution:${eventId}`, service.eventFeed(eventId));
    },
  );

  // Hono does not carry a sub-app's notFound into the app it is mounted in: the last route
  // answers whatever else comes under the mount path.
  app.all('*', notFound);
  return app;
}
