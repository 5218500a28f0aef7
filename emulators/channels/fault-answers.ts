// The channel emulators' injected faults, each in its API's own shape:
//   Instagram (Graph API "Rate Limiting" and error codes on developers.facebook.com): throttling
//     is HTTP 400 with error code 4 "(#4) Application request limit reached" (is_transient), a
//     server failure 500 with code 1 "An unknown error has occurred." or 503 with code 2
//     "Service temporarily unavailable", both is_transient.
//   Partners (the protocol in activities/distribution/channels/partner.ts, errors as
//     `{error, message, timestamp}`): throttling is 429 RATE_LIMITED with `Retry-After`, a server
//     failure 500 INTERNAL_ERROR or 503 SERVICE_UNAVAILABLE (with `Retry-After`).
// Faults apply to the APIs Switchyard's adapters call. Not faulted: /_emulator (sandbox controls),
// Instagram's permalink pages (/instagram/p/…) and partners' published-post pages (/posts/…):
// public pages people open, not API calls.
import { randomUUID } from 'node:crypto';
import type { FaultAnswers } from '../fault-handler.js';
import { routeOperations } from '../route-operations.js';

type Routes = { routes: readonly { method: string; path: string }[] };

const PUBLIC_PAGE = /^\/(?:instagram\/p\/|partners\/[^/]+\/posts\/)/;

export function channelFaultAnswers(app: Routes): FaultAnswers {
  const operationOf = routeOperations(app);
  return {
    operation(request) {
      const path = new URL(request.url).pathname;
      if (path.startsWith('/_emulator/') || PUBLIC_PAGE.test(path)) return undefined;
      return operationOf(request);
    },
    throttle(request) {
      return isInstagram(request)
        ? graphError(400, { message: '(#4) Application request limit reached', code: 4 })
        : partnerError(429, 'RATE_LIMITED', 'too many requests, retry after the Retry-After delay', { 'retry-after': '1' });
    },
    serverError(request, decision) {
      const unavailable = decision.variant >= 0.5;
      if (isInstagram(request)) {
        return unavailable
          ? graphError(503, { message: 'Service temporarily unavailable', code: 2 })
          : graphError(500, { message: 'An unknown error has occurred.', code: 1 });
      }
      return unavailable
        ? partnerError(503, 'SERVICE_UNAVAILABLE', 'the channel is temporarily unavailable', { 'retry-after': '1' })
        : partnerError(500, 'INTERNAL_ERROR', 'the channel failed to process the request');
    },
  };
}

const isInstagram = (request: Request) => new URL(request.url).pathname.startsWith('/instagram/');

/** Graph's error body, as instagram-app.ts answers its own errors. */
function graphError(status: number, spec: { message: string; code: number }): Response {
  return json(status, {
    error: {
      message: spec.message,
      type: 'OAuthException',
      code: spec.code,
      is_transient: true,
      fbtrace_id: randomUUID().replace(/-/g, '').slice(0, 22),
    },
  });
}

function partnerError(status: number, error: string, message: string, headers: Record<string, string> = {}): Response {
  return json(status, { error, message, timestamp: new Date().toISOString() }, headers);
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}
