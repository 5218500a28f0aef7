// One JSON request to a channel API, with the failure handling every adapter needs: a per-request
// timeout combined with the activity's cancellation signal, network failures and timeouts as
// TransientChannelError, HTTP failures classified by status, and secrets scrubbed from anything
// the remote (or the network stack) says before it can reach an error message.
import { PermanentChannelError, TransientChannelError, channelErrorForStatus } from './errors.js';
import type { ChannelType } from './types.js';

export interface RemoteErrorDescription {
  message: string;
  /** The remote's own error code, kept on the thrown error for callers that branch on it. */
  code?: number | string;
  /** Overrides the status-based classification (e.g. Graph API rate limits arrive as HTTP 400). */
  retryable?: boolean;
}

/** One HTTP call to a channel's API (not a distribution's ChannelRequest, which is a channel asked for). */
export interface ChannelHttpCall {
  channel: ChannelType;
  method: 'GET' | 'POST';
  url: string;
  /** Safe, human-readable name of the call for error messages; the URL is never used (its query may hold a token). */
  operation: string;
  headers?: Record<string, string>;
  body?: string | URLSearchParams;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Strings that must never appear in an error message. */
  secrets: readonly string[];
  /** Reads the remote's error body; the default takes `message`/`error` fields. */
  describeError?: (status: number, body: unknown) => RemoteErrorDescription;
  /** Non-2xx statuses the caller handles itself instead of getting an error. */
  passStatuses?: readonly number[];
}

export interface ChannelResponse {
  status: number;
  body: unknown;
}

export function redact(text: string, secrets: readonly string[]): string {
  return secrets.filter((secret) => secret.length > 0).reduce((out, secret) => out.split(secret).join('[redacted]'), text);
}

export async function requestChannel(req: ChannelHttpCall): Promise<ChannelResponse> {
  const timeout = AbortSignal.timeout(req.timeoutMs);
  const signal = req.signal ? AbortSignal.any([timeout, req.signal]) : timeout;
  let status: number;
  let text: string;
  try {
    const res = await fetch(req.url, { method: req.method, headers: req.headers, body: req.body, signal });
    status = res.status;
    text = await res.text();
  } catch (err) {
    // The caller's cancellation is not a channel failure: hand its reason back unchanged.
    if (req.signal?.aborted) throw req.signal.reason ?? err;
    if (timeout.aborted) {
      throw new TransientChannelError(req.channel, `${req.operation} timed out after ${req.timeoutMs} ms`);
    }
    throw new TransientChannelError(req.channel, `${req.operation} failed: ${redact(networkReason(err), req.secrets)}`);
  }

  const body = parseJson(text);
  if (status >= 200 && status < 300) {
    if (body === undefined) {
      throw new TransientChannelError(req.channel, `${req.operation} returned a body that is not JSON`, status);
    }
    return { status, body };
  }
  if (req.passStatuses?.includes(status)) return { status, body };

  const described = (req.describeError ?? describePlainError)(status, body);
  const message = `${req.operation} failed (HTTP ${status}): ${redact(described.message, req.secrets)}`;
  if (described.retryable === undefined) throw channelErrorForStatus(req.channel, status, message, described.code);
  throw described.retryable
    ? new TransientChannelError(req.channel, message, status, described.code)
    : new PermanentChannelError(req.channel, message, status, described.code);
}

function parseJson(text: string): unknown {
  if (text.length === 0) return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function describePlainError(_status: number, body: unknown): RemoteErrorDescription {
  if (typeof body === 'object' && body !== null) {
    const { message, error } = body as { message?: unknown; error?: unknown };
    const code = typeof error === 'string' ? error : undefined;
    if (typeof message === 'string') return { message: code ? `${code}: ${message}` : message, code };
    if (code) return { message: code, code };
  }
  return { message: 'no error details in the response' };
}

// undici reports "fetch failed" and keeps the useful part (ECONNREFUSED, ENOTFOUND...) in `cause`.
function networkReason(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? err.cause : undefined;
  const code = cause && 'code' in cause && typeof cause.code === 'string' ? cause.code : undefined;
  return [err.message, code ?? cause?.message].filter(Boolean).join(': ');
}
