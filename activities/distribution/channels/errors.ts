// Adapters throw only these two errors, so the activity can decide retryability without knowing
// any channel's protocol: Permanent becomes a non-retryable failure, Transient is retried.
// Messages end up in workflow history and the Temporal UI: build them from safe parts only and
// never attach a `cause` that could carry a URL with a token in it.
import type { ChannelType } from './types.js';

export abstract class ChannelError extends Error {
  abstract readonly retryable: boolean;
  readonly channel: ChannelType;
  readonly status: number | undefined;
  /** The remote API's own error code (e.g. a Graph API `code`), when it gave one. */
  readonly remoteCode: number | string | undefined;

  constructor(channel: ChannelType, message: string, status?: number, remoteCode?: number | string) {
    super(`${channel}: ${message}`);
    this.channel = channel;
    this.status = status;
    this.remoteCode = remoteCode;
  }
}

/** Retrying cannot help: 4xx other than 408/429, validation, container ERROR/EXPIRED, quota exhausted, bad credentials. */
export class PermanentChannelError extends ChannelError {
  override readonly name = 'PermanentChannelError';
  readonly retryable = false;
}

/** Worth retrying with backoff: 5xx, 408, 429, network errors and timeouts. */
export class TransientChannelError extends ChannelError {
  override readonly name = 'TransientChannelError';
  readonly retryable = true;
  /** The remote's `Retry-After`, in ms, when it sent one (429/503). */
  retryAfterMs: number | undefined;
  /** No response arrived (network error, timeout): the call may or may not have taken effect. */
  noResponse = false;
}

/** Classifies an HTTP failure status the way every channel here agrees on. */
export function channelErrorForStatus(channel: ChannelType, status: number, message: string, remoteCode?: number | string): ChannelError {
  const transient = status >= 500 || status === 408 || status === 429;
  return transient
    ? new TransientChannelError(channel, message, status, remoteCode)
    : new PermanentChannelError(channel, message, status, remoteCode);
}
