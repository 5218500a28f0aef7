// The Slack emulator's injected faults, as the Web API answers them ("Rate limits" on
// api.slack.com): throttling is HTTP 429 with `Retry-After` (seconds) and `{ok:false,
// error:"ratelimited"}`, which @slack/web-api waits out (or throws as
// slack_webapi_rate_limited_error with rejectRateLimitedCalls); a server failure is HTTP 503.
//
// Faults apply to the Web API (POST /api/<method>) only, named per method (`POST
// /api/chat.postMessage`): each Slack method is its own endpoint with its own rate tier, the
// emulator's one `/api/:method` route is an implementation detail. Not faulted: response_url
// posts (POST /response/…, hooks.slack.com in reality: a one-shot webhook Switchyard does not
// retry, used by slash commands rather than runs) and /_emulator/slack/state, which is for people.
import type { FaultAnswers } from '../fault-handler.js';

const WEB_API_METHOD = /^\/api\/([\w.]+)$/;

export const slackFaultAnswers: FaultAnswers = {
  operation(request) {
    const method = WEB_API_METHOD.exec(new URL(request.url).pathname)?.[1];
    return request.method === 'POST' && method ? `POST /api/${method}` : undefined;
  },
  throttle() {
    return json(429, { ok: false, error: 'ratelimited' }, { 'retry-after': '1' });
  },
  serverError() {
    return json(503, { ok: false, error: 'service_unavailable' });
  },
};

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers } });
}
