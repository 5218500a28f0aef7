// The retry budget of one channel publish, stated once. The channel code (activities/distribution/
// channels/http.ts) and the channel run (workflows/distribution/channel-run.ts) read their numbers
// here, so the calls a failing publish can make are the product of the figures below, not of
// retries hidden in three places.
//
// The layers, outermost first:
// - attempts: the workflow runs up to ATTEMPTS_PER_PUBLISH attempts (one activity each for a
//   partner channel, a prepare and a publish activity for Instagram), with a durable, growing
//   backoff between them. The workflow owns this loop rather than Temporal's activity retry
//   policy (which is therefore one attempt) so that `retries`/`lastRetryAt` are live in the
//   distribution's state and an open circuit's wait is honoured.
// - tries: within one attempt, each remote call makes up to TRIES_PER_CALL tries while it fails
//   transiently (429, 5xx, 408, dropped connection, timeout) and is safe to repeat (a read, a write
//   with an idempotency key, or a write re-checked by a read first). Kept, not left to the attempt
//   loop, because a short jittered wait (TRY_BACKOFF) rides out one faulted request without
//   failing the attempt: a failed attempt costs a workflow backoff (seconds to a minute), more
//   activities in the history and a strike against the circuit breaker.
// - the circuit breaker (activities/distribution/circuit-breaker.ts, one per channel per worker
//   process): it adds no call. It counts attempts that still failed after their tries; after
//   CHANNEL_CIRCUIT_FAILURE_THRESHOLD (default 5) in a row it fails the channel's attempts before
//   any HTTP call (0 calls) for CHANNEL_CIRCUIT_OPEN_SECONDS, and the workflow's next attempt
//   waits that long. An attempt refused by an open circuit still uses one of the attempts.
// - the manual retry (POST /api/distribution/{eventId}/retry, within the retry window): a fresh
//   publish of the failed channels, with a budget of its own, started by a person.
//
// So one publish whose every call fails makes MAX_CALLS_PER_FAILING_PUBLISH calls: each attempt's
// first call uses up its tries and ends the attempt. A call that is not safe to repeat (e.g. the
// Graph API's media container create, which has no idempotency key) gets one try unless the remote
// refused it unprocessed, and so counts 1 per attempt.

/** Workflow attempts per publish, the first included. */
export const ATTEMPTS_PER_PUBLISH = 3;

/** HTTP tries per remote call within one attempt, the first included (transient failures only). */
export const TRIES_PER_CALL = 3;

/** Wait before the second try of a call; doubles for each further try, ±25 % jitter; capped (Retry-After too). */
export const TRY_BACKOFF = { baseDelayMs: 250, maxDelayMs: 3_000 } as const;

/** Cap on the workflow's wait between attempts (it starts at the distribution's retryBackoffMs and doubles). */
export const ATTEMPT_BACKOFF_CAP_MS = 60_000;

/** Temporal's retry policy for the publish activities: one attempt, since the workflow's loop owns the attempts. */
export const PUBLISH_ACTIVITY_RETRY = { maximumAttempts: 1 } as const;

/** HTTP calls one publish makes when every call to the channel fails transiently. */
export const MAX_CALLS_PER_FAILING_PUBLISH = ATTEMPTS_PER_PUBLISH * TRIES_PER_CALL;

/** HTTP calls an attempt makes while the channel's circuit is open. */
export const CALLS_WHILE_CIRCUIT_OPEN = 0;
