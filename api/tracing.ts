// The API's server span, one per request, named by route template (`POST /api/v1/deploy`): the
// root of the trace that the Temporal client interceptor carries into the workflow. Follows an
// incoming W3C `traceparent`. Records the method, path (never the query string), route, status
// and request id; no header is recorded. Only installed when tracing is on.
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import { withRequestId } from '../common/telemetry/request-scope.js';

const tracer = trace.getTracer('switchyard-api');

/** Runs the rest of the request inside its request id's scope (for the Temporal client interceptor). */
export function requestScope(): MiddlewareHandler<{ Variables: { requestId: string } }> {
  return (c, next) => withRequestId(c.get('requestId'), next);
}

export function traceRequests(): MiddlewareHandler<{ Variables: { requestId: string } }> {
  return async (c, next) => {
    const parent = propagation.extract(context.active(), c.req.raw.headers, {
      get: (headers, key) => headers.get(key) ?? undefined,
      keys: (headers) => [...headers.keys()],
    });
    const attributes = { 'http.request.method': c.req.method, 'url.path': c.req.path, 'switchyard.request_id': c.get('requestId') };
    await tracer.startActiveSpan(c.req.method, { kind: SpanKind.SERVER, attributes }, parent, async (span) => {
      try {
        await next();
      } finally {
        // After next(), routePath names the handler that answered ('*' when none matched).
        const route = routePath(c);
        span.updateName(`${c.req.method} ${route}`);
        span.setAttributes({ 'http.route': route, 'http.response.status_code': c.res.status });
        if (c.res.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
      }
    });
  };
}
