// API error bodies as one line: the message and the rule that refused the request, never a
// JSON dump. The API answers in three shapes (api/errors.ts and the WebSocket's control results):
//  - Panda:        {timestamp, status, error: "Forbidden", message, errorCode?, freezeId?, …}
//  - Distribution: {error: "BAD_REQUEST", message, timestamp, details?}
//  - legacy:       {success: false, error: {code, message}}
import { CliError, EXIT } from './exit-codes.js';

type Body = Record<string, unknown>;

const isObject = (value: unknown): value is Body => typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);

/** The rule behind a refusal, from the fields the shapes carry besides the message. */
function ruleOf(body: Body): string | undefined {
  const details = isObject(body['details']) ? body['details'] : {};
  const parts: string[] = [];
  const code = text(body['errorCode']) ?? text(details['errorCode']);
  if (code) parts.push(code);
  // The distribution shape's `error` is a code (BAD_REQUEST); Panda's is a title (Forbidden).
  const error = text(body['error']);
  if (!code && error && /^[A-Z_]+$/.test(error)) parts.push(error);
  const freezeId = text(body['freezeId']) ?? text(details['freezeId']);
  if (freezeId) parts.push(`freeze ${freezeId}${text(body['frozenUntil']) ? ` until ${text(body['frozenUntil'])}` : ''}`);
  const current = text(body['currentDeploymentId']);
  if (current) parts.push(`current release ${current}`);
  const running = text(body['runningDeploymentId']);
  if (running) parts.push(`running ${running}`);
  const retryAfter = body['retryAfterSeconds'];
  if (typeof retryAfter === 'number') parts.push(`retry after ${retryAfter} s`);
  return parts.length > 0 ? parts.join(', ') : undefined;
}

/** The message of any of the shapes; a body of none of them (a proxy's HTML page) gives none. */
function messageOf(body: unknown): string | undefined {
  if (typeof body === 'string') return body.trimStart().startsWith('<') ? undefined : text(body.trim().split('\n')[0]);
  if (!isObject(body)) return undefined;
  if (isObject(body['error'])) return text(body['error']['message']) ?? text(body['error']['code']);
  return text(body['message']);
}

/** `403 Forbidden: <message> [rule: …]` on one line, line breaks in the message folded. */
export function formatApiError(status: number, statusText: string, body: unknown): string {
  const message = (messageOf(body) ?? 'no message').replace(/\s*\n\s*/g, ' ');
  const legacyCode = isObject(body) && isObject(body['error']) ? text(body['error']['code']) : undefined;
  const rule = legacyCode ?? (isObject(body) ? ruleOf(body) : undefined);
  const title =
    isObject(body) && typeof body['status'] === 'number' && text(body['error']) && !/^[A-Z_]+$/.test(String(body['error']))
      ? String(body['error'])
      : statusText;
  return `${status}${title ? ` ${title}` : ''}: ${message}${rule ? ` [${rule}]` : ''}`;
}

/** The CliError for an API answer that is not a success: 4xx refused, else the server's fault. */
export function apiFailure(response: Pick<Response, 'status' | 'statusText'>, body: unknown): CliError {
  const exitCode = response.status >= 400 && response.status < 500 ? EXIT.REFUSED : EXIT.SERVER;
  return new CliError(exitCode, formatApiError(response.status, response.statusText, body), { status: response.status, body });
}
