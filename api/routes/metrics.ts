// GET /metrics: Prometheus text exposition of what the API process itself knows: requests by
// method and status class, the shared event pollers' queries and feeds, WebSocket clients.
// Workflow-level metrics come from the Temporal server and SDK metrics, not from here.
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import type { SwitchyardEnv } from '../auth.js';
import type { WorkflowEventHub } from '../streams/event-hub.js';

export class RequestCounter {
  private readonly counts = new Map<string, number>();

  middleware(): MiddlewareHandler {
    return async (c, next) => {
      await next();
      const key = `${c.req.method} ${Math.floor(c.res.status / 100)}xx`;
      this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    };
  }

  lines(): string[] {
    return [...this.counts].map(([key, count]) => {
      const [method, status] = key.split(' ');
      return `switchyard_http_requests_total{method="${method}",status="${status}"} ${count}`;
    });
  }
}

export interface MetricsSources {
  version: string;
  requests: RequestCounter;
  hub: WorkflowEventHub;
  webSocketClients: () => number;
}

export function registerMetricsRoute(app: OpenAPIHono<SwitchyardEnv>, sources: MetricsSources) {
  app.get('/metrics', (c) => {
    const body = [
      '# HELP switchyard_build_info Switchyard version.',
      '# TYPE switchyard_build_info gauge',
      `switchyard_build_info{version="${sources.version}"} 1`,
      '# HELP switchyard_http_requests_total HTTP requests answered, by method and status class.',
      '# TYPE switchyard_http_requests_total counter',
      ...sources.requests.lines(),
      '# HELP switchyard_event_queries_total Workflow event queries sent by the shared pollers (SSE and WebSocket).',
      '# TYPE switchyard_event_queries_total counter',
      `switchyard_event_queries_total ${sources.hub.queries}`,
      '# HELP switchyard_event_feeds Workflows whose events are being polled for subscribers.',
      '# TYPE switchyard_event_feeds gauge',
      `switchyard_event_feeds ${sources.hub.activeFeeds()}`,
      '# HELP switchyard_websocket_clients Connected WebSocket clients.',
      '# TYPE switchyard_websocket_clients gauge',
      `switchyard_websocket_clients ${sources.webSocketClients()}`,
      '',
    ].join('\n');
    return c.body(body, 200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
  });
}
