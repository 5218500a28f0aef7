// GET /metrics: Prometheus text exposition of what the API process knows (prom-client): request
// latency by route template and status, the business it admitted and read back
// (api/metrics/business.ts), the shared event pollers and WebSocket clients, and Node's own
// process figures. Workflow internals come from the worker's SDK metrics (WORKER_METRICS_ADDRESS).
// With SWITCHYARD_METRICS_KEY set, scrapes must carry it as a bearer token.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { SwitchyardEnv } from '../auth.js';
import { BusinessMetrics } from '../metrics/business.js';
import { processRegistry } from '../metrics/process-registry.js';
import type { WorkflowEventHub } from '../streams/event-hub.js';
import { errorBody } from '../errors.js';

/** One registry per app (tests build many apps in one process; prom-client's global would clash). */
export class ApiMetrics {
  readonly registry = new Registry();
  readonly business = new BusinessMetrics(this.registry);
  private readonly requests = new Counter({
    name: 'switchyard_http_requests_total',
    help: 'HTTP requests answered, by method and status class.',
    labelNames: ['method', 'status'],
    registers: [this.registry],
  });
  private readonly duration = new Histogram({
    name: 'switchyard_http_request_duration_seconds',
    help: 'HTTP request latency, by method, route template (not the raw path) and status code.',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  middleware(): MiddlewareHandler {
    return async (c, next) => {
      const stop = this.duration.startTimer();
      await next();
      const status = c.res.status;
      stop({ method: c.req.method, route: routeTemplate(c, status), status: String(status) });
      this.requests.inc({ method: c.req.method, status: `${Math.floor(status / 100)}xx` });
    };
  }
}

/**
 * The template of the route that answered (`/api/v1/deployments/:id`), so the label's values stay
 * few whatever ids callers send; an unmatched path (404 from notFound) is one value, `unmatched`.
 */
function routeTemplate(c: Context, status: number): string {
  const path = routePath(c);
  if (status === 404 && (path === '' || path === '*' || path.endsWith('/*'))) return 'unmatched';
  return path || 'unmatched';
}

export interface MetricsSources {
  version: string;
  metrics: ApiMetrics;
  hub: WorkflowEventHub;
  webSocketClients: () => number;
  /** When set, scrapes must send `Authorization: Bearer <key>`. */
  key?: string | undefined;
}

export function registerMetricsRoute(app: OpenAPIHono<SwitchyardEnv>, sources: MetricsSources) {
  const registers = [sources.metrics.registry];
  new Gauge({ name: 'switchyard_build_info', help: 'Switchyard version.', labelNames: ['version'], registers }).set(
    { version: sources.version },
    1,
  );
  // Read at scrape time from their owners.
  new Counter({
    name: 'switchyard_event_queries_total',
    help: 'Workflow event queries sent by the shared pollers (SSE and WebSocket).',
    registers,
    collect() {
      this.reset();
      this.inc(sources.hub.queries);
    },
  });
  new Gauge({
    name: 'switchyard_event_feeds',
    help: 'Workflows whose events are being polled for subscribers.',
    registers,
    collect() {
      this.set(sources.hub.activeFeeds());
    },
  });
  new Gauge({
    name: 'switchyard_websocket_clients',
    help: 'Connected WebSocket clients.',
    registers,
    collect() {
      this.set(sources.webSocketClients());
    },
  });

  // Documented for scrapers and the fuzz run; served by the plain handler below (text, not JSON).
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/metrics',
    tags: ['System'],
    summary: 'Prometheus metrics of the API: request latency by route, business counters, process figures',
    description:
      'Public unless SWITCHYARD_METRICS_KEY is set; then send `Authorization: Bearer <SWITCHYARD_METRICS_KEY>` (API keys are not accepted).',
    responses: {
      200: { description: 'Prometheus text exposition format 0.0.4', content: { 'text/plain': { schema: { type: 'string' } } } },
      401: { description: 'SWITCHYARD_METRICS_KEY is set and the request lacks it' },
    },
  });
  app.get('/metrics', async (c) => {
    if (sources.key !== undefined && !sameSecret(bearer(c.req.header('authorization')), sources.key)) {
      return c.json(errorBody(401, 'A valid metrics key is required (Authorization: Bearer <SWITCHYARD_METRICS_KEY>)'), 401, {
        'www-authenticate': 'Bearer',
      });
    }
    const text = (await sources.metrics.registry.metrics()) + (await processRegistry().metrics());
    return c.body(text, 200, { 'content-type': sources.metrics.registry.contentType });
  });
}

function bearer(header: string | undefined): string {
  const match = /^Bearer\s+(.+)$/i.exec(header ?? '');
  return match?.[1]?.trim() ?? '';
}

/** Digests have equal lengths, so timingSafeEqual compares without leaking the key's length. */
function sameSecret(given: string, key: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(key));
}
