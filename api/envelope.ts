// The Panda deploy API's success envelope: {code, message, data}.
import type { Context } from 'hono';

type SuccessCode = 200 | 201 | 202;

export function envelope<T, S extends SuccessCode>(code: S, message: string, data: T) {
  return { code, message, data };
}

export function ok<T, S extends SuccessCode = 200>(c: Context, message: string, data: T, code: S = 200 as S) {
  return c.json(envelope(code, message, data), code);
}
