// How SDK errors become Temporal failures: throttling, 5xx and network errors are retryable
// (Temporal backs off); everything else is permanent and carries the stage's seed error code.
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
}

function isTransient(error: SdkLikeError): boolean {
  const status = error.$metadata?.httpStatusCode ?? error.status;
  if (error.$retryable) return true;
  if (status !== undefined) return status >= 500 || status === 429 || status === 408;
  if (/Throttl|TooManyRequests|RequestLimitExceeded/i.test(error.name ?? '')) return true;
  // No HTTP status at all: the request never got an answer (connection refused, reset, timeout).
  return ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EAI_AGAIN'].includes(error.code ?? '') || error.name === 'TimeoutError' || error.name === 'AbortError' || /fetch failed|socket hang up/i.test(error.message ?? '');
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
