// How the API reads Temporal, written once for every feature: queries with a deadline (a query
// needs a worker and would otherwise hang), the closed workflow's result as its final state (no
// worker needed), the start input from the first history event, and what an update's failure
// means for the client (updates themselves are sent by temporal-update.ts). Each caller supplies
// its own answers (messages, error shape).
import {
  isGrpcServiceError,
  WorkflowFailedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';
import { ApplicationFailure, defaultPayloadConverter, type QueryDefinition } from '@temporalio/common';
import { ApiError } from './errors.js';

const QUERY_DEADLINE_MS = 5000;
/** temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED */
const WORKFLOW_TASK_SCHEDULED = 5;
/** One history long-poll waits at most this long; the server's own long-poll limit is about 20 s. */
const HISTORY_WAIT_MS = 30_000;

/**
 * Waits until a workflow's history grows: Temporal's own long poll (GetWorkflowExecutionHistory
 * with waitNewEvent), one pending call and no query. Every change of a workflow's state comes
 * with a scheduled workflow task in its history, so this is the cheap "changed" hint that lets a
 * feed query right as a change happens instead of on a timer. Resolves true on new
 * events (the first call also returns the history so far), false once the run has closed.
 */
export function historyChanges(client: Client, workflowId: string): (signal: AbortSignal) => Promise<boolean> {
  let nextPageToken: Uint8Array | undefined;
  return async (signal) => {
    for (;;) {
      let response;
      try {
        response = await client.connection.withAbortSignal(signal, () =>
          client.connection.withDeadline(Date.now() + HISTORY_WAIT_MS, () =>
            client.workflowService.getWorkflowExecutionHistory({
              namespace: client.options.namespace,
              execution: { workflowId },
              waitNewEvent: true,
              maximumPageSize: 1000,
              ...(nextPageToken ? { nextPageToken } : {}),
            }),
          ),
        );
      } catch (error) {
        // Our own deadline on a quiet workflow: simply wait again.
        if (!signal.aborted && isGrpcServiceError(error) && error.code === 4) continue;
        throw error;
      }
      const token = response.nextPageToken && response.nextPageToken.length > 0 ? response.nextPageToken : undefined;
      // That run has closed. The token named it, so the next wait starts from the workflow id
      // again: the run it continued as, if any (whose history so far counts as a change).
      if (!token) {
        nextPageToken = undefined;
        return false;
      }
      nextPageToken = token;
      // Every change of state starts with new input for the workflow (an activity's result, a
      // signal, a timer, an update), and every such input schedules a workflow task. Query at
      // once: Temporal holds a query sent while a workflow task is pending and answers it with
      // that task's completion (its queries ride on the task), so the answer already has the
      // change, without waiting for the completed task's events to wake this long poll and for
      // a query round trip after it. The completed task's own events (WorkflowTaskCompleted and
      // the commands it made) carry nothing that query has not seen: wait again.
      if ((response.history?.events ?? []).some((event) => event.eventType === WORKFLOW_TASK_SCHEDULED)) return true;
    }
  };
}

/** A query that gives up after a deadline; an unknown workflow is the caller's `notFound`. */
export async function queryWithDeadline<T, Args extends unknown[]>(
  client: Client,
  handle: WorkflowHandle,
  notFound: () => ApiError,
  query: QueryDefinition<T, Args>,
  ...args: Args
): Promise<T> {
  try {
    return await client.connection.withDeadline(Date.now() + QUERY_DEADLINE_MS, () => handle.query(query, ...args));
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) throw notFound();
    throw error;
  }
}

export interface StateReadAnswers {
  notFound: () => ApiError;
  /** Running, but no worker answered the query in time. */
  unavailable: () => ApiError;
  /** The workflow fails with its final state as the ApplicationFailure's first detail. */
  stateInFailure?: boolean;
}

/** The workflow's state: live from its query, or its result once it has closed. */
export async function readWorkflowState<T>(
  client: Client,
  handle: WorkflowHandle,
  query: QueryDefinition<T, []>,
  answers: StateReadAnswers,
): Promise<T> {
  try {
    return await queryWithDeadline(client, handle, answers.notFound, query);
  } catch (error) {
    if (error instanceof ApiError) throw error;
    const description = await handle.describe().catch(() => undefined);
    if (!description) throw answers.notFound();
    if (description.status.name === 'COMPLETED') return (await handle.result()) as T;
    if (description.status.name === 'FAILED' && answers.stateInFailure) {
      const state = await handle.result().then(
        () => undefined,
        (failure: unknown) => {
          const cause = failure instanceof WorkflowFailedError ? failure.cause : undefined;
          return cause instanceof ApplicationFailure ? (cause.details?.[0] as T | undefined) : undefined;
        },
      );
      if (state) return state;
    }
    throw answers.unavailable();
  }
}

/** The workflow's start input (its first argument), from one page of one history event; no secrets live there. */
export async function readStartInput<T>(client: Client, workflowId: string): Promise<T | undefined> {
  const response = await client.workflowService.getWorkflowExecutionHistory({
    namespace: client.options.namespace,
    execution: { workflowId },
    maximumPageSize: 1,
  });
  const payload = response.history?.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  return payload ? defaultPayloadConverter.fromPayload<T>(payload) : undefined;
}

/**
 * Why an update did not go through, when it is the client's business:
 * - `refused`: the workflow refused it (its validator, or its handler's ApplicationFailure);
 * - `not-found`: there is no such workflow (or it is gone);
 * - `closed`: the workflow has already closed.
 * Undefined for anything else (an outage, say), which stays the caller's error.
 */
export type UpdateProblem =
  { kind: 'refused'; message: string; type: string | undefined; details: readonly unknown[] } | { kind: 'not-found' } | { kind: 'closed' };

export function updateProblem(error: unknown): UpdateProblem | undefined {
  if (error instanceof WorkflowUpdateFailedError) {
    const cause = error.cause;
    const failure = cause instanceof ApplicationFailure ? cause : undefined;
    return { kind: 'refused', message: cause?.message ?? 'unknown', type: failure?.type ?? undefined, details: failure?.details ?? [] };
  }
  if (error instanceof WorkflowNotFoundError) return { kind: 'not-found' };
  if (/completed|closed|already/i.test(error instanceof Error ? error.message : '')) return { kind: 'closed' };
  return undefined;
}

export interface RefusalAnswers {
  refused: (message: string, type: string | undefined) => ApiError;
  closed: () => ApiError;
  /** Absent: a workflow not found is taken as closed meanwhile (it was read just before). */
  notFound?: () => ApiError;
}

/** An update's failure as the client's 4xx (an ApiError), or the error itself when it is not the client's. */
export function updateRefusal(error: unknown, answers: RefusalAnswers): unknown {
  const problem = updateProblem(error);
  switch (problem?.kind) {
    case 'refused':
      return answers.refused(problem.message, problem.type);
    case 'not-found':
      return (answers.notFound ?? answers.closed)();
    case 'closed':
      return answers.closed();
    default:
      return error;
  }
}
