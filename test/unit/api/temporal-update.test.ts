// The pure half of the API's bounded updates (api/temporal-update.ts): what a failed attempt
// leads to (undecided at the bound, another attempt with the same update id, or the door's own
// answer), and the update ids derived from requests. Errors are built as the SDK and grpc-js
// build them. The bound itself, against a real Temporal, is the Temporal tier's
// (test/admission-deadline.test.ts, test/switch-deadline.test.ts, test/hook-deadline.test.ts).
import { Metadata } from '@grpc/grpc-js';
import { WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { nextStep, requestUpdateId, UpdateUndecided } from '../../../api/temporal-update.js';

function serviceError(code: number, details: string): Error {
  return Object.assign(new Error(`${code} ${details}`), { code, details, metadata: new Metadata() });
}

const deadline = 10_000;
const timedOut = new WorkflowUpdateRPCTimeoutOrCancelledError('Deadline exceeded', { cause: serviceError(4, 'Deadline exceeded') });

describe('after a failed update attempt', () => {
  it('is undecided once our deadline has passed, whether the SDK wrapped the deadline or not', () => {
    expect(nextStep(timedOut, 1, deadline, deadline)).toEqual({ kind: 'undecided' });
    expect(nextStep(serviceError(4, 'Deadline exceeded'), 3, deadline + 5, deadline)).toEqual({ kind: 'undecided' });
  });

  it('sends again, with a growing pause, when the server gave up before our deadline or turned the update away', () => {
    expect(nextStep(timedOut, 1, 1000, deadline)).toEqual({ kind: 'retry', afterMs: 250 });
    const limit = serviceError(8, 'limit on number of concurrent in-flight updates has been reached (10)');
    expect(nextStep(limit, 1, 1000, deadline)).toEqual({ kind: 'retry', afterMs: 250 });
    expect(nextStep(limit, 4, 1000, deadline)).toEqual({ kind: 'retry', afterMs: 1000 });
    const aborted = Object.assign(new Error('Workflow Update failed'), { cause: serviceError(14, 'update was aborted') });
    expect(nextStep(aborted, 2, 1000, deadline)).toEqual({ kind: 'retry', afterMs: 500 });
  });

  it('is undecided, never "nothing changed", when no further attempt fits before the deadline', () => {
    // An earlier attempt of the same update id may have reached the workflow.
    expect(nextStep(serviceError(8, 'rate limit'), 2, deadline - 100, deadline)).toEqual({ kind: 'undecided' });
  });

  it('asks again after a raced workflow task, twice at most, then leaves it to the door', () => {
    const raced = Object.assign(new Error('Workflow Update failed'), { cause: new Error('Unexpected workflow task failure') });
    expect(nextStep(raced, 1, 1000, deadline)).toEqual({ kind: 'retry', afterMs: 100 });
    expect(nextStep(raced, 2, 1000, deadline)).toEqual({ kind: 'retry', afterMs: 200 });
    expect(nextStep(raced, 3, 1000, deadline)).toEqual({ kind: 'door' });
  });

  it("leaves refusals, a missing workflow and an unreachable Temporal to the door's own answer", () => {
    const refused = new WorkflowUpdateFailedError('Workflow Update failed', ApplicationFailure.nonRetryable('not ready', 'NotReady'));
    expect(nextStep(refused, 1, 1000, deadline)).toEqual({ kind: 'door' });
    expect(nextStep(refused, 1, deadline + 1, deadline)).toEqual({ kind: 'door' });
    // The SDK's connection has retried it already; the client hears 503 "unreachable" at once.
    expect(nextStep(serviceError(14, 'No connection established'), 1, 1000, deadline)).toEqual({ kind: 'door' });
    expect(nextStep(serviceError(5, 'workflow not found'), 1, 1000, deadline)).toEqual({ kind: 'door' });
  });

  it('calls it undecided when Temporal went away after an attempt may have arrived', () => {
    // A connection lost while waiting for the outcome: the update may be in the workflow's history.
    expect(nextStep(serviceError(14, 'Connection reset by peer'), 1, 1000, deadline)).toEqual({ kind: 'undecided' });
    // Unreachable on a second attempt: the first may have arrived.
    expect(nextStep(serviceError(14, 'No connection established'), 2, 1000, deadline)).toEqual({ kind: 'undecided' });
  });
});

describe('update ids derived from a request', () => {
  it('name the same update for the same request, and another for anything else', () => {
    const id = requestUpdateId('switch', 'alice', 0);
    expect(requestUpdateId('switch', 'alice', 0)).toBe(id);
    expect(requestUpdateId('switch', 'alice', 1)).not.toBe(id);
    expect(requestUpdateId('switch', 'bob', 0)).not.toBe(id);
    expect(requestUpdateId('rollback', 'alice', 0)).not.toBe(id);
    // Parts never run into each other.
    expect(requestUpdateId('switch', 'ab', 'c')).not.toBe(requestUpdateId('switch', 'a', 'bc'));
  });

  it('stay short and readable whatever the request holds', () => {
    expect(requestUpdateId('switch', 'x'.repeat(5000), 0)).toMatch(/^switch-[0-9a-f]{32}$/);
  });
});

describe('UpdateUndecided', () => {
  it('names the update and the bound in whole seconds', () => {
    const error = new UpdateUndecided(1500, 'switch-abc', { cause: timedOut });
    expect(error.seconds).toBe(2);
    expect(error.message).toBe('No answer to update switch-abc within 2 s');
    expect(error.cause).toBe(timedOut);
  });
});
