// How SDK errors become Temporal failures: throttling, 5xx and network errors are retryable
// (Temporal backs off); everything else is permanent and carries the stage's Panda error code.
// Messages come from AWS/GitHub error texts, which never contain our credentials.
import { ApplicationFailure } from '@temporalio/common';
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

/** Re-throws `error` as a retryable or permanent ApplicationFailure with `context` in front. */
export function asActivityFailure(error: unknown, code: DeploymentErrorCode, context: string): ApplicationFailure {
  if (error instanceof ApplicationFailure) return error;
  const e = (error ?? {}) as SdkLikeError;
  const message = `${context}: ${e.message ?? String(error)}`;
  return isTransient(e) ? ApplicationFailure.retryable(message, `Transient${e.name ?? 'Error'}`) : permanent(code, message);
}

export function errorName(error: unknown): string | undefined {
  return (error as SdkLikeError | undefined)?.name;
}
