// Schemas shared by many routes: the Panda deploy API's envelope and the two legacy error
// shapes (the Panda deploy API's and the Distribution Service's).
import { z } from '@hono/zod-openapi';

export function envelopeSchema<T extends z.ZodType>(data: T) {
  return z.object({
    code: z.number().int().openapi({ example: 200 }),
    message: z.string(),
    data,
  });
}

export const PandaErrorSchema = z
  .object({
    timestamp: z.string().openapi({ example: '2024-01-01T12:00:00' }),
    status: z.number().int().openapi({ example: 400 }),
    error: z.string().openapi({ example: 'Deployment Error' }),
    message: z.string(),
    deploymentId: z.string().optional(),
    stage: z.number().int().optional(),
    errorCode: z.string().optional(),
  })
  .passthrough()
  .openapi('ErrorBody');

export const DistributionErrorSchema = z
  .object({
    error: z.string().openapi({
      example: 'BAD_REQUEST',
      description: 'BAD_REQUEST, NOT_FOUND or INTERNAL_SERVER_ERROR (the Distribution Service); also UNAUTHORIZED, FORBIDDEN, CONFLICT',
    }),
    message: z.string(),
    timestamp: z.string().openapi({ format: 'date-time' }),
    details: z.record(z.string(), z.unknown()).optional(),
  })
  .openapi('ErrorResponse');

/** An OpenAPI response with a JSON body. */
export function jsonResponse<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema } } };
}

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid request',
  401: 'Missing or invalid API key',
  403: "The key's role does not allow this",
  404: 'Not found',
  408: 'Timed out',
  409: 'Conflict with a running workflow',
  423: 'Frozen: a freeze covers the service',
  429: "Too many requests for this API key (its rate for the route's class, or its open event streams): retry after `Retry-After` seconds",
  500: 'Unexpected error',
  503: 'Temporal or the worker unavailable, or no answer within TEMPORAL_UPDATE_TIMEOUT_SECONDS (the message says whether the change may still take effect)',
};

const RETRY_AFTER = {
  'Retry-After': { description: 'Seconds to wait before trying again', schema: { type: 'integer' as const, minimum: 1 } },
};

export function errorResponses(...statuses: number[]) {
  return errorResponsesOf(PandaErrorSchema, statuses);
}

export function distributionErrorResponses(...statuses: number[]) {
  return errorResponsesOf(DistributionErrorSchema, statuses);
}

// Every route that takes an API key (declares 401) is under that key's limits (api/limits/), so it
// may also answer 429: declared here once rather than at each route.
function errorResponsesOf(schema: z.ZodType, statuses: number[]) {
  const all = statuses.includes(401) && !statuses.includes(429) ? [...statuses, 429] : statuses;
  return Object.fromEntries(
    all.map((status) => [
      status,
      {
        description: ERROR_DESCRIPTIONS[status] ?? 'Error',
        ...(status === 429 ? { headers: RETRY_AFTER } : {}),
        content: { 'application/json': { schema } },
      },
    ]),
  );
}
