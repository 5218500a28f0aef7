// Request validation failures become a 400 in the app's error shape, listing every problem.
import type { ZodError } from 'zod';
import { ApiError } from './errors.js';
import { fieldIssues } from './zod-issues.js';

/** `defaultHook` for OpenAPIHono: runs after every request validator; the app's onError answers. */
export function validationHook(result: { success: boolean; error?: unknown; target?: string }): undefined {
  if (result.success) return undefined;
  const issues = fieldIssues(result.error as ZodError, '(body)');
  const summary = issues.map((i) => `${i.field}: ${i.message}`).join('; ');
  throw new ApiError(400, `Invalid request: ${summary}`, { details: { target: result.target, errors: issues } });
}
