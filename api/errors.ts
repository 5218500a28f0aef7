// The two legacy error shapes (docs/compatibility.md), and the one place that turns any failure into a response.
//  - Panda (the app's own): {timestamp, status, error, message, deploymentId?, stage?, errorCode?, ...}
//  - Distribution Service (the /api/distribution sub-app's): {error: BAD_REQUEST|NOT_FOUND|..., message, timestamp, details?}
// Each app passes its shape to createErrorHandler / createNotFoundHandler; middleware and hooks
// that refuse a request throw an ApiError, so the app they run in picks the shape.
import { isGrpcServiceError } from '@temporalio/client';
import type { ServiceError } from '@grpc/grpc-js';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Logger } from '../common/logger.js';
import { UpdateUndecided } from './temporal-update.js';

export type ErrorExtras = Record<string, unknown>;

/** The Panda deploy API's `error` title for everything about connections and deployments. */
export const DEPLOYMENT_ERROR = 'Deployment Error';

/** An error meant for the client: its message and extras are safe to show. */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    message: string,
    readonly extras: ErrorExtras = {},
    /** The Panda `error` title; defaults from the status. */
    readonly title?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const PANDA_TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  423: 'Locked',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

const DISTRIBUTION_CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  429: 'TOO_MANY_REQUESTS',
  503: 'SERVICE_UNAVAILABLE',
};

/** The Panda deploy API's timestamp: ISO-8601 local form without zone or fraction, in UTC. */
export function pandaTimestamp(date = new Date()): string {
  return date.toISOString().slice(0, 19);
}

/** An error body of one legacy shape, for an HTTP status. */
export type ErrorShape = (status: number, message: string, extras?: ErrorExtras, title?: string) => Record<string, unknown>;

/** The Distribution Service's ErrorResponse: extras travel under `details`. */
export const distributionErrorBody: ErrorShape = (status, message, extras = {}) => {
  const { details, ...rest } = extras;
  const mergedDetails = { ...(details as ErrorExtras | undefined), ...rest };
  return {
    error: DISTRIBUTION_CODES[status] ?? (status >= 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST'),
    message,
    timestamp: new Date().toISOString(),
    ...(Object.keys(mergedDetails).length > 0 ? { details: mergedDetails } : {}),
  };
};

/** The Panda body. The envelope's keys win over extras: `status` is always the HTTP status (a deployment's own status travels as `deploymentStatus`). */
export const errorBody: ErrorShape = (status, message, extras = {}, title) => {
  const { timestamp: _t, status: _s, error: _e, message: _m, ...rest } = extras;
  return {
    timestamp: pandaTimestamp(),
    status,
    error: title ?? PANDA_TITLES[status] ?? (status >= 500 ? 'Internal Server Error' : 'Bad Request'),
    message,
    ...rest,
  };
};

/** A Panda-shaped error response, for routes of the main app that answer without throwing. */
export function errorResponse(c: Context, status: ContentfulStatusCode, message: string, extras: ErrorExtras = {}, title?: string) {
  return c.json(errorBody(status, message, extras, title), status);
}

/** The gRPC error Temporal answered with, whether thrown as is or wrapped by the SDK as a cause. */
export function grpcServiceError(error: unknown): ServiceError | undefined {
  if (isGrpcServiceError(error)) return error;
  const cause = (error as { cause?: unknown })?.cause;
  return isGrpcServiceError(cause) ? cause : undefined;
}

/**
 * A Temporal cluster that lacks what Switchyard needs (its namespace, its search attributes) or
 * cannot be reached is the operator's to fix, not an unexpected error: 503 with what to do.
 */
export function clusterProblem(error: unknown): ApiError | undefined {
  const cause = grpcServiceError(error);
  if (!cause) return undefined;
  const details = cause.details ?? '';
  if (cause.code === 14 || cause.code === 4) return new ApiError(503, 'Temporal is unreachable right now; nothing was changed, try again');
  // A rate limit or a workflow's in-flight update limit: the request was turned away before it ran.
  if (cause.code === 8) return new ApiError(503, 'Temporal is busy right now (RESOURCE_EXHAUSTED); nothing was changed, try again');
  if (/search attribute/i.test(details))
    return new ApiError(503, `The Temporal cluster lacks Switchyard's search attributes (${details}): run \`npm run cluster:init\``);
  if (cause.code === 5 && /namespace/i.test(details))
    return new ApiError(503, `The Temporal namespace is missing (${details}): run \`npm run cluster:init\``);
  return undefined;
}

/** Hono's onError: known errors keep their status; anything else is a 500 without internals. */
export function createErrorHandler(logger: Logger, shape: ErrorShape = errorBody) {
  const respond = (c: Context, status: ContentfulStatusCode, message: string, extras: ErrorExtras = {}, title?: string) =>
    c.json(shape(status, message, extras, title), status);
  return (error: Error, c: Context) => {
    if (error instanceof ApiError) return respond(c, error.status, error.message, error.extras, error.title);
    // Each door words its own; this is the floor. Never "nothing was changed": the update may still be delivered.
    if (error instanceof UpdateUndecided) {
      logger.warn({ err: error, path: c.req.path }, 'update undecided at its bound');
      return respond(
        c,
        503,
        `No answer from Temporal within ${error.seconds} s (is a worker running?): the change may still take effect, read its state before asking again`,
      );
    }
    const cluster = clusterProblem(error);
    if (cluster) {
      logger.warn({ err: error, path: c.req.path }, 'Temporal cluster problem');
      return respond(c, cluster.status, cluster.message);
    }
    if (error instanceof HTTPException) {
      const status = error.status as ContentfulStatusCode;
      if (status >= 500) logger.error({ err: error, path: c.req.path }, 'HTTP exception');
      return respond(c, status, error.message || PANDA_TITLES[status] || 'Request failed');
    }
    logger.error({ err: error, method: c.req.method, path: c.req.path }, 'unexpected error');
    // The Panda deploy API shows "Unexpected error: <cause>" with exceptionClass; the cause itself may carry
    // internals (hosts, identifiers), so only the class goes out and the rest goes to the log.
    return respond(c, 500, 'Unexpected error', { errorCode: 'UNEXPECTED_ERROR', exceptionClass: error.name || 'Error' });
  };
}

/** A route as Hono lists it (`app.routes`): its method and path pattern (`/a/:id`, `/b/*`). */
export interface RouteEntry {
  method: string;
  path: string;
}

function patternOf(path: string): RegExp {
  const source = path
    .split('/')
    .map((segment) => {
      if (segment === '*') return '.*';
      const param = /^:[^{]+(?:\{(.+)\})?$/.exec(segment);
      if (param) return param[1] ? `(?:${param[1]})` : '[^/]+';
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return new RegExp(`^${source}/?$`);
}

/** The methods some route declares for `path` (middleware, registered for ALL methods, does not count). */
export function allowedMethods(routes: readonly RouteEntry[], path: string): string[] {
  const methods = new Set<string>();
  for (const route of routes) {
    if (route.method === 'ALL' || route.path === '*' || route.path === '/*') continue;
    if (patternOf(route.path).test(path)) methods.add(route.method.toUpperCase());
  }
  if (methods.has('GET')) methods.add('HEAD');
  return [...methods].sort();
}

/**
 * Hono's notFound, in the app's shape: 405 with `Allow` when the path exists with other methods,
 * else 404. `routes` are the app's own; `basePath` is where the app is mounted.
 */
export function createNotFoundHandler(shape: ErrorShape = errorBody, routes: () => readonly RouteEntry[] = () => [], basePath = '') {
  return (c: Context) => {
    const path = c.req.path.startsWith(basePath) ? c.req.path.slice(basePath.length) || '/' : c.req.path;
    const allowed = allowedMethods(routes(), path);
    if (allowed.length > 0 && !allowed.includes(c.req.method)) {
      c.header('Allow', allowed.join(', '));
      return c.json(shape(405, `${c.req.method} is not allowed on ${c.req.path}; allowed: ${allowed.join(', ')}`), 405);
    }
    return c.json(shape(404, `No route for ${c.req.method} ${c.req.path}`), 404);
  };
}
