// How to read a Graph API error. Graph reports throttling as HTTP 400 with a rate-limit code, so
// the HTTP status alone would call it permanent; the codes below override that.
import { z } from 'zod';
import type { RemoteErrorDescription } from './http.js';

const graphErrorBody = z.object({
  error: z.object({
    message: z.string(),
    type: z.string().optional(),
    code: z.number().optional(),
    error_subcode: z.number().optional(),
    is_transient: z.boolean().optional(),
  }),
});

/** 1/2: unknown or temporary service error; 4/17/32/613: app, user, page and call-rate limits; 341: app limit reached. */
const RETRYABLE_CODES = new Set([1, 2, 4, 17, 32, 341, 613]);
/** "The account has reached its limit of content publishing in 24 hours": retrying within the attempt budget cannot help. */
export const PUBLISHING_LIMIT_SUBCODE = 2207042;
/** "(#100) Tried accessing nonexisting field" and other invalid-parameter errors. */
export const INVALID_PARAMETER_CODE = 100;

export function describeGraphError(_status: number, body: unknown): RemoteErrorDescription {
  const parsed = graphErrorBody.safeParse(body);
  if (!parsed.success) return { message: 'no Graph API error details in the response' };
  const { message, code, error_subcode: subcode, is_transient: isTransient } = parsed.data.error;
  const codes = [code, subcode].filter((c) => c !== undefined).join('/');
  const described: RemoteErrorDescription = { message: codes ? `${message} (code ${codes})` : message, code };
  if (subcode === PUBLISHING_LIMIT_SUBCODE) return { ...described, retryable: false };
  if (isTransient === true || (code !== undefined && RETRYABLE_CODES.has(code))) return { ...described, retryable: true };
  return described;
}
