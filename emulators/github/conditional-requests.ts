// Conditional requests as api.github.com answers them: every 200 to a GET carries a weak ETag of
// its body and of who asked (GitHub's answers vary by Authorization); a GET whose If-None-Match names it gets 304 Not Modified with no body, and an
// authenticated 304 does not count against the primary rate limit ("Best practices for using
// the REST API", Use conditional requests). An exhausted limit still refuses first.
import { createHash } from 'node:crypto';
import type { Context } from 'hono';
import { rateLimitHeaders, type RateLimits } from './rate-limits.js';

/** `taken`: the rate-limit window the request was counted in (its reset), to give it back on a 304. */
export async function answerConditionally(c: Context, token: string | undefined, rateLimits: RateLimits, taken: number): Promise<void> {
  if (c.req.method !== 'GET' || c.res.status !== 200) return;
  const body = await c.res.clone().arrayBuffer();
  const etag = `W/"${createHash('sha256')
    .update(token ?? '')
    .update('\0')
    .update(Buffer.from(body))
    .digest('hex')
    .slice(0, 32)}"`;
  c.res.headers.set('etag', etag);
  c.res.headers.append('vary', 'Authorization');
  if (!matches(c.req.header('if-none-match'), etag)) return;
  const headers = new Headers(c.res.headers);
  headers.delete('content-type');
  headers.delete('content-length');
  if (token !== undefined)
    for (const [name, value] of Object.entries(rateLimitHeaders(rateLimits.refund(token, taken)))) headers.set(name, value);
  // Replaced outright: Hono's `c.res =` would carry the 200's headers over these.
  c.res = undefined;
  c.res = new Response(null, { status: 304, headers });
}

/** If-None-Match's weak comparison (RFC 9110 §13.1.2): `*`, or any listed tag equal but for W/. */
function matches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const bare = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => tag.trim() === '*' || bare(tag) === bare(etag));
}
