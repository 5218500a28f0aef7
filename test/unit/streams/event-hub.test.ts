// The shared per-workflow feed: a nudge (this API just switched, rolled back or retried the
// workflow) polls at once instead of at the next tick, costs one query, and a nudge during a
// poll polls again right after it; nothing happens for a workflow nobody watches. A change hint
// (the history long poll) makes the feed poll right after a change; a failing hint falls back
// to the timer.
import { afterEach, describe, expect, it } from 'vitest';
import { WorkflowEventHub } from '../../../api/streams/event-hub.js';
import type { EventsPage, WorkflowEvent } from '../../../workflows/shared/event-log.js';

/** A workflow's event log as its events query answers it; `slow` holds the next answer back. */
function workflowLog() {
  const events: WorkflowEvent[] = [];
  let release: (() => void) | undefined;
  return {
    append(message: string) {
      events.push({ seq: events.length + 1, type: 'stage', message, details: {}, at: new Date().toISOString() });
    },
    holdNextAnswer() {
      return new Promise<void>((resolve) => {
        release = resolve;
      });
    },
    releaseAnswer() {
      release?.();
      release = undefined;
    },
    fetch: async (afterSeq: number): Promise<EventsPage> => {
      if (release)
        await new Promise<void>((resolve) => {
          const previous = release!;
          release = () => {
            previous();
            resolve();
          };
        });
      return { events: events.filter((e) => e.seq > afterSeq), lastSeq: events.length, terminal: false };
    },
  };
}

describe('event hub nudges', () => {
  const hubs: WorkflowEventHub[] = [];
  afterEach(() => {
    for (const hub of hubs.splice(0)) hub.close();
  });
  const hubPolling = (pollIntervalMs: number) => {
    const hub = new WorkflowEventHub({ pollIntervalMs });
    hubs.push(hub);
    return hub;
  };

  it('polls a watched workflow at once when nudged, with one query, instead of a poll interval later', async () => {
    const hub = hubPolling(60_000);
    const log = workflowLog();
    log.append('started');
    const received: string[] = [];
    await hub.subscribe('deployment:d1', log.fetch, 0, {
      onEvents: (events) => received.push(...events.map((e) => e.message)),
      onError: () => undefined,
    });
    expect(received).toEqual(['started']);
    const queriesBefore = hub.queries;

    log.append('switched');
    hub.nudge('deployment:d1');
    await expect.poll(() => received, { timeout: 1_000, interval: 10 }).toEqual(['started', 'switched']);
    expect(hub.queries - queriesBefore).toBe(1);
  });

  it('a nudge during a poll polls once more right after it; an unwatched workflow costs nothing', async () => {
    const hub = hubPolling(60_000);
    const log = workflowLog();
    const received: string[] = [];
    await hub.subscribe('distribution:e1', log.fetch, 0, {
      onEvents: (events) => received.push(...events.map((e) => e.message)),
      onError: () => undefined,
    });
    const queriesBefore = hub.queries;

    void log.holdNextAnswer();
    hub.nudge('distribution:e1'); // a poll starts and waits
    log.append('retry requested');
    hub.nudge('distribution:e1'); // arrives while that poll runs: remembered, not a second concurrent query
    log.releaseAnswer();
    await expect.poll(() => received, { timeout: 1_000, interval: 10 }).toEqual(['retry requested']);
    expect(hub.queries - queriesBefore).toBe(2);

    hub.nudge('distribution:nobody-watches');
    expect(hub.queries - queriesBefore).toBe(2);
  });

  it('with a change hint, polls right after the workflow changed, not on its timer; without one it falls back to the timer', async () => {
    const hub = hubPolling(60_000);
    const log = workflowLog();
    let changed: (() => void) | undefined;
    const hinted = Object.assign(log.fetch, {
      changes: (signal: AbortSignal) =>
        new Promise<boolean>((resolve, reject) => {
          changed = () => resolve(true);
          signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
        }),
    });
    const received: string[] = [];
    await hub.subscribe('deployment:hinted', hinted, 0, {
      onEvents: (events) => received.push(...events.map((e) => e.message)),
      onError: () => undefined,
    });
    log.append('stage 1');
    await expect.poll(() => changed !== undefined).toBe(true);
    changed!();
    await expect.poll(() => received, { timeout: 1_000, interval: 10 }).toEqual(['stage 1']);

    // A hint that fails (no permission to read history, say): the feed polls on its timer.
    const fallback = hubPolling(50);
    const other = workflowLog();
    const broken = Object.assign(other.fetch, { changes: () => Promise.reject(new Error('PERMISSION_DENIED')) });
    const seen: string[] = [];
    await fallback.subscribe('deployment:hintless', broken, 0, {
      onEvents: (events) => seen.push(...events.map((e) => e.message)),
      onError: () => undefined,
    });
    other.append('stage 2');
    await expect.poll(() => seen, { timeout: 1_000, interval: 10 }).toEqual(['stage 2']);
  });

  it('after a run closes, the next wait follows the run it continued as; a workflow closed for good goes to the timer', async () => {
    const hub = hubPolling(200);
    const log = workflowLog();
    // The hint answers as historyChanges does: "closed" when the run ends, then (a continued
    // run) "changed"; later "closed" every time, at once (a workflow terminated for good).
    const answers = [false, true];
    let waits = 0;
    const hinted = Object.assign(log.fetch, {
      changes: async () => {
        waits += 1;
        const next = answers.shift();
        if (next === undefined) return false;
        return next;
      },
    });
    const received: string[] = [];
    await hub.subscribe('distribution:continued', hinted, 0, {
      onEvents: (events) => received.push(...events.map((e) => e.message)),
      onError: () => undefined,
    });
    log.append('retry of the continued run');
    await expect.poll(() => received, { timeout: 1_000, interval: 10 }).toEqual(['retry of the continued run']);
    // Closed for good: two "closed" in a row, then the feed polls on its 200 ms timer, not in a loop.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const queries = hub.queries;
    const hintWaits = waits;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(waits).toBe(hintWaits);
    expect(hub.queries - queries).toBeLessThanOrEqual(6);
  });
});
