// What every REST request goes through before its route, as on api.github.com: a request id,
// the API version header, authentication (token, Bearer or Basic with the token as password;
// a wrong token is 401 even for public data), the primary rate limit, and conditional GETs.
import { randomBytes } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { answerConditionally } from './conditional-requests.js';
import { githubError } from './errors.js';
import { primaryRateLimitMessage, rateLimitHeaders } from './rate-limits.js';
import type { Urls } from './serializers.js';
import type { GitHubEmulatorState } from './state.js';

export interface GitHubEnv {
  Variables: { token: string | undefined };
}

const SUPPORTED_API_VERSIONS = ['2022-11-28', '2026-03-10'];

export function githubRestMiddleware(state: GitHubEmulatorState): MiddlewareHandler<GitHubEnv> {
  return async (c, next) => {
    c.header('x-github-request-id', githubRequestId());
    c.header('x-github-media-type', 'github.v3; format=json');
    const version = c.req.header('x-github-api-version') ?? SUPPORTED_API_VERSIONS[0]!;
    if (!SUPPORTED_API_VERSIONS.includes(version)) {
      return githubError(c, 400, `API version ${version} is not supported.`, 'https://docs.github.com/rest/overview/api-versions');
    }
    c.header('x-github-api-version-selected', version);

    const presented = tokenFrom(c.req.header('authorization'));
    if (presented === null || (presented !== undefined && !state.isAcceptedToken(presented))) {
      return githubError(c, 401, 'Bad credentials');
    }
    c.set('token', presented);

    const limit = state.rateLimits.take(presented);
    for (const [name, value] of Object.entries(rateLimitHeaders(limit))) c.header(name, value);
    if (limit.remaining < 0) {
      const login = presented === undefined ? undefined : state.loginFor(presented);
      return githubError(c, 403, primaryRateLimitMessage(login), 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api');
    }
    await next();
    await answerConditionally(c, presented, state.rateLimits, limit.reset);
  };
}

/** GitHub's request id format, e.g. `A1B2:C3D4:E5F6:0123456789AB`. */
export function githubRequestId(): string {
  return randomBytes(10)
    .toString('hex')
    .toUpperCase()
    .replace(/(.{4})(.{4})(.{4})(.{8})/, '$1:$2:$3:$4');
}

/** undefined: no credentials (anonymous); null: an Authorization header GitHub cannot read. */
export function tokenFrom(header: string | undefined): string | undefined | null {
  if (header === undefined || header.trim() === '') return undefined;
  const [scheme = '', value = ''] = header.trim().split(/\s+/, 2);
  switch (scheme.toLowerCase()) {
    case 'token':
    case 'bearer':
      return value || null;
    case 'basic': {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      return colon >= 0 ? decoded.slice(colon + 1) || null : null;
    }
    default:
      return null;
  }
}

/** Base URLs as this client reached the emulator (it may be mounted under a prefix). */
export function urlsFor(c: Context, state: GitHubEmulatorState): Urls {
  const url = new URL(c.req.url);
  const at = url.pathname.search(/\/(repos|user|_emulator)(\/|$)/);
  return { api: `${url.origin}${at > 0 ? url.pathname.slice(0, at) : ''}`, html: state.htmlUrl };
}
