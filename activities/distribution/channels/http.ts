// One JSON request to a channel API, with the failure handling every adapter needs: a per-request
// timeout combined with the activity's cancellation signal, network failures and timeouts as
// TransientChannelError, HTTP failures classified by status, and secrets scrubbed from anything
// the remote (or the network stack) says before it can reach an error message.
//
// Transient failures (429, 5xx, 408, network errors, timeouts) are retried within the call, up to
// RETRY.maxTries tries (TRIES_PER_CALL, 3) with a short jittered backoff that honours `Retry-After`
// up to a cap, so one faulted request does not fail a whole publish attempt (and so does not count
// toward the channel's circuit breaker, which only sees an activity that still failed). How these
// tries multiply with the workflow's 3 attempts (9 calls for a publish whose every call fails) is
// stated in domain/channel-retry-budget.ts. Only calls that are safe to repeat are retried: a GET
// always, a POST only when its caller says so (`retry`), i.e. when it carries an idempotency key
// the API honours or repeating it cannot take effect twice.
// Permanent failures (other 4xx) are never retried.
import { setTimeout as delay } from 'node:timers/promises';
import { TRIES_PER_CALL, TRY_BACKOFF } from '../../../domain/channel-retry-budget.js';
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
  /**
   * Whether a transient failure of this call may be retried here. Default: yes for GET, no for
   * POST. A function decides per failure (e.g. only when the remote refused the call unprocessed).
   */
  retry?: boolean | ((error: TransientChannelError) => boolean);
  /** Called before each retry (e.g. to heartbeat while waiting). */
  onRetry?: (error: TransientChannelError, nextTry: number) => void;
}

export interface RetryPolicy {
  /** Tries in all, the first included. */
  maxTries: number;
  /** Backoff before the second try; doubles for each further try, with ±25 % jitter. */
  baseDelayMs: number;
  /** Cap on one wait, `Retry-After` included: a longer Retry-After is cut to this. */
  maxDelayMs: number;
}

/** The per-call part of the channel retry budget (domain/channel-retry-budget.ts). */
export const RETRY: RetryPolicy = { maxTries: TRIES_PER_CALL, ...TRY_BACKOFF };

/**
 * Whether a failed write that is re-checked before it is repeated (read the remote state first)
 * may be retried within the attempt: its answer was lost (no response: the state read tells
 * whether it took effect), or the remote refused it as throttled/unavailable (408, 429, 503).
 * A plain 500 from a write is left to the attempt's caller: the remote processed and failed it,
 * and the workflow's backoff (not an immediate repeat) is the right answer to that.
 */
export function lostOrRefused(error: TransientChannelError): boolean {
  return error.noResponse || error.status === 408 || error.status === 429 || error.status === 503;
}

/** How long to wait before try `nextTry` (2, 3, …) after `error`. */
export function retryDelayMs(error: TransientChannelError, nextTry: number, policy: RetryPolicy = RETRY): number {
  if (error.retryAfterMs !== undefined) return Math.min(error.retryAfterMs, policy.maxDelayMs);
  const backoff = policy.baseDelayMs * 2 ** (nextTry - 2);
  return Math.min(Math.round(backoff * (0.75 + Math.random() * 0.5)), policy.maxDelayMs);
}

/** Waits `ms`, or rejects with the signal's reason when it aborts first. */
export async function waitBeforeRetry(ms: number, signal?: AbortSignal): Promise<void> {
  try {
    await delay(ms, undefined, { signal });
  } catch (err) {
    throw signal?.aborted ? (signal.reason ?? err) : err;
  }
}

/**
 * Runs `attempt` up to `policy.maxTries` times while it fails with a TransientChannelError that
 * `shouldRetry` accepts; any other error (permanent, cancellation) is thrown at once.
 */
export async function withTransientRetries<T>(
  attempt: (tryNumber: number) => Promise<T>,
  options: {
    shouldRetry?: (error: TransientChannelError) => boolean;
    onRetry?: (error: TransientChannelError, nextTry: number) => void;
    signal?: AbortSignal;
    policy?: RetryPolicy;
  } = {},
): Promise<T> {
  const policy = options.policy ?? RETRY;
  for (let tryNumber = 1; ; tryNumber++) {
    try {
      return await attempt(tryNumber);
    } catch (err) {
      if (options.signal?.aborted) throw options.signal.reason ?? err;
      const retryable = err instanceof TransientChannelError && tryNumber < policy.maxTries && (options.shouldRetry?.(err) ?? true);
      if (!retryable) throw err;
      options.onRetry?.(err, tryNumber + 1);
      await waitBeforeRetry(retryDelayMs(err, tryNumber + 1, policy), options.signal);
    }
  }
}

export interface ChannelResponse {
  status: number;
  body: unknown;
}

export function redact(text: string, secrets: readonly string[]): string {
  return secrets.filter((secret) => secret.length > 0).reduce((out, secret) => out.split(secret).join('[redacted]'), text);
}

export async function requestChannel(req: ChannelHttpCall): Promise<ChannelResponse> {
  const retry = req.retry ?? req.method === 'GET';
  if (retry === false) return requestOnce(req);
  return withTransientRetries(() => requestOnce(req), {
    shouldRetry: typeof retry === 'function' ? retry : undefined,
    onRetry: req.onRetry,
    signal: req.signal,
  });
}

async function requestOnce(req: ChannelHttpCall): Promise<ChannelResponse> {
  const timeout = AbortSignal.timeout(req.timeoutMs);
  const signal = req.signal ? AbortSignal.any([timeout, req.signal]) : timeout;
  let status: number;
  let text: string;
  let retryAfter: string | null;
  try {
    const res = await fetch(req.url, { method: req.method, headers: req.headers, body: req.body, signal });
    status = res.status;
    retryAfter = res.headers.get('retry-after');
    text = await res.text();
  } catch (err) {
    // The caller's cancellation is not a channel failure: hand its reason back unchanged.
    if (req.signal?.aborted) throw req.signal.reason ?? err;
    const error = timeout.aborted
      ? new TransientChannelError(req.channel, `${req.operation} timed out after ${req.timeoutMs} ms`)
      : new TransientChannelError(req.channel, `${req.operation} failed: ${redact(networkReason(err), req.secrets)}`);
    error.noResponse = true;
    throw error;
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
  const error =
    described.retryable === undefined
      ? channelErrorForStatus(req.channel, status, message, described.code)
      : described.retryable
        ? new TransientChannelError(req.channel, message, status, described.code)
        : new PermanentChannelError(req.channel, message, status, described.code);
  if (error instanceof TransientChannelError) error.retryAfterMs = parseRetryAfter(retryAfter);
  throw error;
}

/** `Retry-After` as delay-seconds or an HTTP date, in ms; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
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
