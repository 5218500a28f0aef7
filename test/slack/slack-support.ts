// Signed Slack requests, as Slack sends them, for the ChatOps tests.
import { randomBytes } from 'node:crypto';
import { signSlackRequest } from '../../api/slack/signature.js';

export const SIGNING_SECRET = 'test-slack-signing-secret-0123';
export const BOT_TOKEN = 'xoxb-switchyard-test-bot-token';
export const CHANNEL = 'C0DEPLOYS';
export const APPROVER = 'UAPPROVER1';
export const INTRUDER = 'UINTRUDER1';

type Fetcher = { request: (path: string, init: RequestInit) => Response | Promise<Response> };

export interface SignOptions {
  /** Seconds added to now for the timestamp header. */
  skewSeconds?: number;
  signature?: string;
  omit?: ('timestamp' | 'signature')[];
  headers?: Record<string, string>;
}

export function signedHeaders(rawBody: string, contentType: string, options: SignOptions = {}): Record<string, string> {
  const timestamp = String(Math.floor(Date.now() / 1000) + (options.skewSeconds ?? 0));
  const headers: Record<string, string> = { 'content-type': contentType, ...options.headers };
  if (!options.omit?.includes('timestamp')) headers['x-slack-request-timestamp'] = timestamp;
  if (!options.omit?.includes('signature'))
    headers['x-slack-signature'] = options.signature ?? signSlackRequest(SIGNING_SECRET, timestamp, rawBody);
  return headers;
}

export const triggerId = () => `${Date.now()}.${randomBytes(6).toString('hex')}`;

export function commandBody(command: string, text: string, fields: { userId?: string; responseUrl: string; triggerId?: string }): string {
  return new URLSearchParams({
    token: 'legacy-verification-token',
    team_id: 'T0SANDBOX',
    team_domain: 'sandbox',
    channel_id: CHANNEL,
    channel_name: 'deploys',
    user_id: fields.userId ?? APPROVER,
    user_name: 'tester',
    command,
    text,
    api_app_id: 'A0SWITCHYARD',
    is_enterprise_install: 'false',
    response_url: fields.responseUrl,
    trigger_id: fields.triggerId ?? triggerId(),
  }).toString();
}

export function clickBody(fields: {
  userId: string;
  actionId: string;
  deploymentId: string;
  channel: string;
  ts: string;
  responseUrl: string;
}): string {
  const payload = {
    type: 'block_actions',
    user: { id: fields.userId, username: 'tester', team_id: 'T0SANDBOX' },
    api_app_id: 'A0SWITCHYARD',
    container: { type: 'message', message_ts: fields.ts, channel_id: fields.channel, is_ephemeral: false },
    trigger_id: triggerId(),
    team: { id: 'T0SANDBOX', domain: 'sandbox' },
    channel: { id: fields.channel, name: 'deploys' },
    message: { type: 'message', ts: fields.ts },
    response_url: fields.responseUrl,
    actions: [
      {
        action_id: fields.actionId,
        block_id: 'deployment_decision',
        value: fields.deploymentId,
        type: 'button',
        action_ts: String(Date.now() / 1000),
      },
    ],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

export async function postSlack(
  app: Fetcher,
  path: string,
  rawBody: string,
  contentType = 'application/x-www-form-urlencoded',
  options: SignOptions = {},
) {
  return app.request(path, { method: 'POST', headers: signedHeaders(rawBody, contentType, options), body: rawBody });
}
