// For routes whose JSON body is optional: the Panda deploy API's clients call them with
// `Content-Type: application/json` and no body at all, which Hono's JSON validator would refuse as
// malformed. An empty body is read as `{}`; any other body is validated as usual.
import type { MiddlewareHandler } from 'hono';

export const emptyJsonBodyAsObject: MiddlewareHandler = async (c, next) => {
  // Hono reads JSON from its cached text (a promise of it, whatever BodyCache's type says): an
  // empty text becomes the text of `{}`.
  // Only with a JSON content type: without one the validators skip the body (and an empty one must
  // stay empty, or the media-type gate would see a body and answer 415).
  const json = /^application\/([\w.-]+\+)?json\b/i.test(c.req.header('content-type') ?? '');
  if (json && (await c.req.text()).trim() === '') (c.req.bodyCache as Record<string, unknown>).text = Promise.resolve('{}');
  await next();
};
