// How SDK errors become Temporal failures: throttling, 5xx and network errors are retryable
// (Temporal backs off); everything else is permanent and carries the stage's Panda error code.
// Messages come from AWS/GitHub error texts, which never contain our credentials.
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import type { DeploymentErrorCode } from '../../domain/deployment.js';

export function permanent(code: DeploymentErrorCode, message: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, code);
}

interface SdkLikeError {
  name?: string;
  message?: string;
  status?: number;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: number };
  code?: string;
  /** Octokit's RequestError. */
  response?: { headers?: Record<string, string | undefined> };
}

/**
 * GitHub's rate limits come as 403 (or 429): the primary limit with `x-ratelimit-remaining: 0`,
 * the secondary one with its "secondary rate limit" message and a `retry-after`.
 */
export function isGitHubRateLimit(error: unknown): boolean {
  const e = (error ?? {}) as SdkLikeError;
  if (e.status !== 403 && e.status !== 429) return false;
  const headers = e.response?.headers ?? {};
  return headers['x-ratelimit-remaining'] === '0' || headers['retry-after'] !== undefined || /rate limit/i.test(e.message ?? '');
}

/** GitHub asks for at least a minute after a secondary limit that names no `retry-after`. */
const SECONDARY_WAIT_MS = 60_000;
/** The primary limit's window: no reset is further away than this. */
const MAX_WAIT_MS = 60 * 60 * 1000 + 1_000;

/**
 * How long GitHub says to wait before asking again: until `x-ratelimit-reset` (plus a second)
 * after the primary limit, `retry-after` or a minute after a secondary one; undefined when
 * `error` is no rate limit. The reset is read against GitHub's own clock (the answer's `date`),
 * so a worker's clock running ahead cannot turn the wait into a call a second; and no wait is
 * longer than the hour a window lasts, whatever a proxy answers.
 */
export function gitHubRateLimitWaitMs(error: unknown, now = Date.now()): number | undefined {
  if (!isGitHubRateLimit(error)) return undefined;
  const headers = (error as SdkLikeError).response?.headers ?? {};
  const bounded = (ms: number) => Math.min(MAX_WAIT_MS, Math.max(1_000, ms));
  const retryAfter = Number(headers['retry-after']);
  if (headers['retry-after'] !== undefined && Number.isFinite(retryAfter)) return bounded(retryAfter * 1000);
  const reset = Number(headers['x-ratelimit-reset']);
  if (headers['x-ratelimit-remaining'] === '0' && Number.isFinite(reset)) {
    const githubNow = Date.parse(headers.date ?? '');
    return bounded(reset * 1000 - (Number.isFinite(githubNow) ? githubNow : now) + 1_000);
  }
  return SECONDARY_WAIT_MS;
}

/**
 * A rate limit as a retryable failure whose next attempt comes when GitHub allows it, not on the
 * policy's backoff: ten attempts 1–30 s apart would all fall inside one exhausted hour.
 */
export function gitHubRateLimitFailure(message: string, waitMs: number): ApplicationFailure {
  return ApplicationFailure.create({ message, type: 'TransientRateLimit', nextRetryDelay: waitMs });
}

function isTransient(error: SdkLikeError): boolean {
  const status = error.$metadata?.httpStatusCode ?? error.status;
  if (error.$retryable) return true;
  // Throttling is a matter of time, whatever its status: AWS answers it with a 400
  // (ThrottlingException, and no $retryable when the SDK makes one attempt), GitHub with a 403.
  if (/Throttl|TooManyRequests|RequestLimitExceeded|SlowDown/i.test(error.name ?? '')) return true;
  if (isGitHubRateLimit(error)) return true;
  if (status !== undefined) return status >= 500 || status === 429 || status === 408;
  // No HTTP status at all: the request never got an answer (connection refused, reset, timeout).
  return (
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EAI_AGAIN'].includes(error.code ?? '') ||
    error.name === 'TimeoutError' ||
    error.name === 'AbortError' ||
    /fetch failed|socket hang up/i.test(error.message ?? '')
  );
}

/**
 * A cancellation is no answer of the service's. A worker shutting down (a rolling restart, after
 * its grace) hands the activity to another worker: retryable, and its heartbeat details say where
 * it was. The workflow's own cancel stays a cancellation.
 */
function asCancellation(error: unknown, context: string): ApplicationFailure | CancelledFailure | undefined {
  if (!(error instanceof CancelledFailure)) return undefined;
  if (error.message === 'WORKER_SHUTDOWN')
    return ApplicationFailure.retryable(`${context}: the worker stopped during this call; another worker takes it over`, 'WorkerShutdown');
  return error;
}

/** Re-throws `error` as a retryable or permanent ApplicationFailure with `context` in front. */
export function asActivityFailure(error: unknown, code: DeploymentErrorCode, context: string): ApplicationFailure | CancelledFailure {
  if (error instanceof ApplicationFailure) return error;
  const cancelled = asCancellation(error, context);
  if (cancelled) return cancelled;
  const e = (error ?? {}) as SdkLikeError;
  const message = `${context}: ${e.message ?? String(error)}`;
  const rateLimitWait = gitHubRateLimitWaitMs(error);
  if (rateLimitWait !== undefined) return gitHubRateLimitFailure(message, rateLimitWait);
  return isTransient(e) ? ApplicationFailure.retryable(message, `Transient${e.name ?? 'Error'}`) : permanent(code, message);
}

export function errorName(error: unknown): string | undefined {
  return (error as SdkLikeError | undefined)?.name;
}
