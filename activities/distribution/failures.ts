// Turns channel errors into Temporal failures the workflow can act on: permanent ones are
// non-retryable, an open circuit says how long to wait. Messages carry no tokens (the adapters
// build them from operation names, never URLs) because they land in workflow history.
import { ApplicationFailure } from '@temporalio/common';
import { CircuitOpenError } from './circuit-breaker.js';
import { ChannelError } from './channels/errors.js';

export const FAILURE_TYPES = {
  permanent: 'PermanentChannelError',
  transient: 'TransientChannelError',
  circuitOpen: 'CircuitOpen',
  unexpected: 'UnexpectedChannelError',
} as const;

export function toActivityFailure(error: unknown): ApplicationFailure {
  if (error instanceof CircuitOpenError) {
    return ApplicationFailure.create({
      type: FAILURE_TYPES.circuitOpen,
      message: error.message,
      details: [{ retryAfterMs: error.retryAfterMs }],
    });
  }
  if (error instanceof ChannelError) {
    return error.retryable
      ? ApplicationFailure.retryable(error.message, FAILURE_TYPES.transient, { status: error.status })
      : ApplicationFailure.nonRetryable(error.message, FAILURE_TYPES.permanent, { status: error.status });
  }
  return ApplicationFailure.retryable(`Unexpected error: ${error instanceof Error ? error.name : 'unknown'}`, FAILURE_TYPES.unexpected);
}

/** The failure of a publish whose draft exists, with the draft's id in its details for the workflow. */
export function withPreparedRemoteId(error: unknown, preparedRemoteId: string): unknown {
  if (!(error instanceof ApplicationFailure)) return error; // e.g. a cancellation: passed on as it is
  const details = (error.details?.[0] as Record<string, unknown> | undefined) ?? {};
  return ApplicationFailure.create({
    type: error.type ?? undefined,
    message: error.message,
    nonRetryable: error.nonRetryable ?? undefined,
    details: [{ ...details, preparedRemoteId }],
  });
}
