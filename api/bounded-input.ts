// Bounds on what a client may send, so that no input reaches Temporal (search attributes, the
// visibility query, payloads) or a worker larger or stranger than they accept: every such string
// has a length limit and no control characters, and free-form JSON a depth and size limit. Refused
// with a 400 in the route's legacy error shape (Panda's or the Distribution Service's) by the zod validation hook, never a 500 from deep inside.
import { z } from '@hono/zod-openapi';

/** Any request body larger than this is refused with 413 before it is read. */
export const MAX_REQUEST_BYTES = 256 * 1024;

/** Free-form JSON (a channel's `config`): nesting and serialised size. */
export const MAX_JSON_DEPTH = 16;
export const MAX_JSON_BYTES = 32 * 1024;

// C0 and C1 control characters, DEL, and the line and paragraph separators: none belongs in a
// name, an id, a query value or a ref, and NUL breaks Temporal's SQL visibility.
// eslint-disable-next-line no-control-regex -- refusing control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** A string of 1–`max` characters without control characters. */
export const boundedText = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .refine((value) => !CONTROL_CHARACTERS.test(value), { message: 'must not contain control characters' });

/** The deepest nesting of arrays and objects in `value`, walked without recursion. */
export function jsonDepth(value: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    deepest = Math.max(deepest, depth + 1);
    if (deepest > MAX_JSON_DEPTH) return deepest; // enough to refuse
    for (const child of Object.values(current)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/** A JSON object of bounded depth and size: depth first, walked once, so stringify never meets a deep value. */
export const boundedJsonObject = () =>
  z.record(z.string(), z.unknown()).superRefine((value, ctx) => {
    if (jsonDepth(value) > MAX_JSON_DEPTH) {
      ctx.addIssue({ code: 'custom', message: `must not nest deeper than ${MAX_JSON_DEPTH} levels` });
    } else if (Buffer.byteLength(JSON.stringify(value)) > MAX_JSON_BYTES) {
      ctx.addIssue({ code: 'custom', message: `must be at most ${MAX_JSON_BYTES} bytes as JSON` });
    }
  });
