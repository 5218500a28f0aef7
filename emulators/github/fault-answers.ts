// The GitHub emulator's injected faults, as GitHub answers them ("Rate limits for the REST API" and
// "Troubleshooting the REST API" on docs.github.com): throttling is either the secondary rate
// limit (403 with its documented message and `retry-after`) or the primary one (403 or 429 with
// `x-ratelimit-remaining: 0` and `x-ratelimit-reset`); a server failure is 502 or 503 JSON.
//
// Faults apply to the REST API only. /_emulator/github (state, and raw file bytes standing in for
// raw.githubusercontent.com, which is not the API) goes straight through, as does anything no
// route serves.
import { DOCS } from './errors.js';
import { githubRequestId, tokenFrom } from './http-context.js';
import { primaryRateLimitMessage, rateLimitHeaders } from './rate-limits.js';
import type { GitHubEmulatorState } from './state.js';
import type { FaultAnswers } from '../fault-handler.js';
import { routeOperations } from '../route-operations.js';

const RATE_LIMIT_DOCS = 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api';

export function githubFaultAnswers(state: GitHubEmulatorState, app: { routes: readonly { method: string; path: string }[] }): FaultAnswers {
  const operationOf = routeOperations(app);
  return {
    operation(request) {
      if (new URL(request.url).pathname.startsWith('/_emulator/')) return undefined;
      return operationOf(request);
    },
    throttle(request, decision) {
      const requestId = githubRequestId();
      if (decision.variant < 0.5) {
        // Secondary limits say so only in the message (Octokit's throttling plugin matches "secondary rate").
        return json(
          403,
          {
            message: `You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID ${requestId}.`,
            documentation_url: `${RATE_LIMIT_DOCS}#about-secondary-rate-limits`,
          },
          { 'retry-after': '1', 'x-github-request-id': requestId },
        );
      }
      // Primary: the window is used up; it resets a second from now so that a client waiting for
      // x-ratelimit-reset is not held for the rest of an hour.
      const token = tokenFrom(request.headers.get('authorization') ?? undefined) ?? undefined;
      const limit = state.rateLimits.limitFor(token);
      const headers = rateLimitHeaders({ limit, remaining: 0, used: limit, reset: Math.ceil(Date.now() / 1000) + 1 });
      const status = decision.variant < 0.75 ? 403 : 429;
      return json(
        status,
        { message: primaryRateLimitMessage(token === undefined ? undefined : state.loginFor(token)), documentation_url: RATE_LIMIT_DOCS },
        { ...headers, 'x-github-request-id': requestId },
      );
    },
    serverError(_request, decision) {
      return decision.variant < 0.5
        ? json(502, { message: 'Server Error', documentation_url: DOCS }, { 'x-github-request-id': githubRequestId() })
        : json(503, { message: 'Service Unavailable', documentation_url: DOCS }, { 'x-github-request-id': githubRequestId() });
    },
  };
}

function json(status: number, body: unknown, headers: Record<string, string>): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'x-github-media-type': 'github.v3; format=json', ...headers },
  });
}
