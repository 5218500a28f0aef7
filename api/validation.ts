// Request validation failures become the seed's error shape with 400, listing every problem.
import type { Context } from 'hono';
import type { ZodError } from 'zod';
import { errorResponse } from './errors.js';

export function describeZodIssues(error: ZodError): { field: string; message: string }[] {
  return error.issues.map((issue) => ({ field: issue.path.join('.') || '(body)', message: issue.message }));
}

/** `defaultHook` for OpenAPIHono: runs after every request validator. */
export function validationHook(result: { success: boolean; error?: unknown; target?: string }, c: Context) {
  if (result.success) return undefined;
  const issues = describeZodIssues(result.error as ZodError);
  const summary = issues.map((i) => `${i.field}: ${i.message}`).join('; ');
  return errorResponse(c, 400, `Invalid request: ${summary}`, { details: { target: result.target, errors: issues } });
}
