// Every update the API sends to a workflow goes through here: a deploy's admission, a switch or a
// stop, both hooks, freezes, a distribution's retry and cancel. Temporal's own update call waits for
// as long as no worker answers (we saw 300 s, until the client gave up), so each call gets one
// deadline for all of its attempts, and one update id for all of them: an attempt sent again after
// a turned-away or lost answer joins the first instead of running twice. Past the deadline it
// throws UpdateUndecided: the update may still be decided once a worker takes it, which each door
// says in its own error shape.
import { createHash, randomUUID } from 'node:crypto';
import { WorkflowUpdateRPCTimeoutOrCancelledError, WorkflowUpdateStage, type Client, type WorkflowHandle } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { grpcServiceError } from './errors.js';
import { startCallTimer, type CallOutcome } from './metrics/temporal-call-timing.js';

export interface UpdateBound {
  client: Client;
  /** TEMPORAL_UPDATE_TIMEOUT_SECONDS: the whole call, retries included. */
  timeoutMs: number;
}

/** No answer within the bound. Not "nothing changed": Temporal hands an update it took to the workflow's next worker. */
export class UpdateUndecided extends Error {
  constructor(
    readonly timeoutMs: number,
    readonly updateId: string,
    options?: ErrorOptions,
  ) {
    super(`No answer to update ${updateId} within ${Math.round(timeoutMs / 1000)} s`, options);
    this.name = 'UpdateUndecided';
  }

  /** The bound as messages give it. */
  get seconds(): number {
    return Math.round(this.timeoutMs / 1000);
  }
}

export interface UpdateOptions {
  /**
   * Derived from the request where a repeat of it should get the first answer (the workflow keeps
   * a finished update's outcome under its id); otherwise one per call, shared by its attempts.
   */
  updateId?: string;
  /** Asked about an error not retried here: true sends again at once (the door knows it raced), up to 3 attempts in all. */
  again?: (error: unknown, attempt: number) => boolean | Promise<boolean>;
}

/** After a failed attempt: give up as undecided, send again after a pause, or leave the error to the door. */
export type NextStep = { kind: 'undecided' } | { kind: 'retry'; afterMs: number } | { kind: 'door' };

const BACKOFF_MS = 250;
const MAX_ATTEMPTS_AFTER_A_RACE = 3;

export function nextStep(error: unknown, attempt: number, now: number, deadline: number): NextStep {
  const late = deadlineExceeded(error);
  if (late && now >= deadline) return { kind: 'undecided' };
  // A deadline of the server's own before ours, or a turn-away: the same update id makes another
  // attempt safe. When none fits before the deadline, an earlier attempt may still have reached
  // the workflow: undecided, never "nothing changed".
  const pause =
    late || turnedAway(error) ? BACKOFF_MS * attempt : taskRaced(error) && attempt < MAX_ATTEMPTS_AFTER_A_RACE ? 100 * attempt : undefined;
  // Unreachable, but perhaps not before an attempt arrived: an earlier attempt, or this one's lost answer.
  if (pause === undefined && grpcCode(error) === 14 && (attempt > 1 || !neverSent(error))) return { kind: 'undecided' };
  if (pause === undefined) return { kind: 'door' };
  return now + pause < deadline ? { kind: 'retry', afterMs: pause } : { kind: 'undecided' };
}

/** Sends `send(updateId)` until it answers or the bound passes; the whole call is timed as `update`. */
export async function boundedUpdate<T>(
  bound: UpdateBound,
  send: (updateId: string) => Promise<T>,
  options: UpdateOptions = {},
): Promise<T> {
  const updateId = options.updateId ?? randomUUID();
  const deadline = Date.now() + bound.timeoutMs;
  const stop = startCallTimer('update');
  let outcome: CallOutcome = 'error';
  try {
    for (let attempt = 1; ; attempt += 1) {
      try {
        const answer = await bound.client.connection.withDeadline(deadline, () => send(updateId));
        outcome = 'ok';
        return answer;
      } catch (error) {
        const next = nextStep(error, attempt, Date.now(), deadline);
        if (next.kind === 'undecided') {
          outcome = 'deadline';
          throw new UpdateUndecided(bound.timeoutMs, updateId, { cause: error });
        }
        if (next.kind === 'retry') await new Promise((resolve) => setTimeout(resolve, next.afterMs));
        else if (!(attempt < MAX_ATTEMPTS_AFTER_A_RACE && Date.now() < deadline && (await options.again?.(error, attempt)))) throw error;
      }
    }
  } finally {
    stop(outcome);
  }
}

/**
 * `update` of the workflow behind `handle`, within the bound. With `onAccepted`, the call waits for
 * the workflow to take it first (accept it, or refuse it: the answer then says which) and says so,
 * so that a long update's feeds hear of it while it runs.
 */
export function executeBounded<Ret, Args extends [unknown, ...unknown[]]>(
  bound: UpdateBound,
  handle: WorkflowHandle,
  update: UpdateDefinition<Ret, Args>,
  args: Args,
  options: UpdateOptions & { onAccepted?: () => void } = {},
): Promise<Ret> {
  const { onAccepted } = options;
  return boundedUpdate(
    bound,
    async (updateId) => {
      if (!onAccepted) return handle.executeUpdate(update, { args, updateId });
      const accepted = await handle.startUpdate(update, { args, updateId, waitForStage: WorkflowUpdateStage.ACCEPTED });
      onAccepted();
      return accepted.result();
    },
    options,
  );
}

/** An update id derived from a request (`kind` readable, the parts hashed): a repeat of the request names the same update. */
export function requestUpdateId(kind: string, ...parts: (string | number)[]): string {
  return `${kind}-${createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 32)}`;
}

const grpcCode = (error: unknown) => grpcServiceError(error)?.code;

/** Our deadline, or the server's: the SDK's update timeout error, or DEADLINE_EXCEEDED as is. */
export function deadlineExceeded(error: unknown): boolean {
  return error instanceof WorkflowUpdateRPCTimeoutOrCancelledError || grpcCode(error) === 4;
}

/**
 * Turned away before it ran: RESOURCE_EXHAUSTED (a rate limit, or the run's in-flight update
 * limit), or UNAVAILABLE "update was aborted" (the run closing, a shard moving). A Temporal that
 * cannot be reached (any other UNAVAILABLE) is not retried: the SDK's connection already has, and
 * the client hears 503 at once.
 */
export function turnedAway(error: unknown): boolean {
  const code = grpcCode(error);
  return code === 8 || (code === 14 && /update was aborted/i.test(error instanceof Error ? `${error.message} ${String(error.cause)}` : ''));
}

/** UNAVAILABLE before any connection existed: the request never left, so "nothing was changed" is true. */
function neverSent(error: unknown): boolean {
  const said = [error, (error as { cause?: unknown })?.cause]
    .map((e) => (e instanceof Error ? `${e.message} ${(e as { details?: string }).details ?? ''}` : ''))
    .join(' ');
  return /no connection established|failed to connect|ECONNREFUSED|connection refused|tcp connect error|name resolution/i.test(said);
}

/**
 * The workflow task carrying the update failed for the server's own reasons (new events raced its
 * completion: UnhandledCommand). Nothing was decided; the next task carries it again.
 */
export function taskRaced(error: unknown): boolean {
  const cause = error instanceof Error ? (error as { cause?: unknown }).cause : undefined;
  return /unexpected workflow task failure/i.test(cause instanceof Error ? cause.message : '');
}
