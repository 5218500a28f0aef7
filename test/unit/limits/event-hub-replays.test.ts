// Re-subscribing costs no query where nothing can have changed: a query in flight is shared, an
// ended feed outlives its last subscriber for a while (until a nudge says this API changed the
// workflow), and an unknown workflow's 404 is kept for a moment; other failures are not kept.
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../../api/errors.js';
import type { Subscriber } from '../../../api/streams/event-feed.js';
import { WorkflowEventHub } from '../../../api/streams/event-hub.js';
import type { EventsPage, WorkflowEvent } from '../../../workflows/shared/event-log.js';

const event = (seq: number, type = 'stage'): WorkflowEvent => ({
  seq,
  type,
  message: `event ${seq}`,
  details: {},
  at: new Date(0).toISOString(),
});

/** A workflow's events query, counted; `hold()` keeps the next answers back until `release()`. */
function counted(page: () => EventsPage | Promise<EventsPage>) {
  let gate: Promise<void> | undefined;
  let open: (() => void) | undefined;
  const fetch = Object.assign(
    async (afterSeq: number): Promise<EventsPage> => {
      fetch.calls += 1;
      if (gate) await gate;
      const answer = await page();
      return { ...answer, events: answer.events.filter((e) => e.seq > afterSeq) };
    },
    { calls: 0 },
  );
  return {
    fetch,
    hold() {
      gate = new Promise((resolve) => {
        open = resolve;
      });
    },
    release() {
      gate = undefined;
      open?.();
    },
  };
}

const collecting = () => {
  const got: number[] = [];
  const subscriber: Subscriber = { onEvents: (events) => got.push(...events.map((e) => e.seq)), onError: () => undefined };
  return { got, subscriber };
};

describe('event hub replays', () => {
  const hubs: WorkflowEventHub[] = [];
  afterEach(() => {
    for (const hub of hubs.splice(0)) hub.close();
  });
  const hubWith = (options: Partial<ConstructorParameters<typeof WorkflowEventHub>[0]> = {}) => {
    const hub = new WorkflowEventHub({ pollIntervalMs: 60_000, ...options });
    hubs.push(hub);
    return hub;
  };
  const closed = { events: [event(1), event(2), event(3, 'success')], lastSeq: 3, terminal: true };

  it('shares a query in flight: a replay that joins before the first subscriber leaves starts none', async () => {
    const hub = hubWith();
    const workflow = counted(() => closed);
    workflow.hold();
    const first = collecting();
    const pending = hub.subscribe('distribution:e1', workflow.fetch, 0, first.subscriber);
    // The replay (since 1) joins, then the first subscriber leaves, while the query is in flight.
    const replay = collecting();
    const joined = hub.subscribe('distribution:e1', workflow.fetch, 1, replay.subscriber);
    workflow.release();
    (await pending)();
    await joined;
    expect(workflow.fetch.calls).toBe(1);
    expect(replay.got).toEqual([2, 3]);
  });

  it('keeps an ended feed after its last subscriber leaves, until it expires or a nudge drops it', async () => {
    const hub = hubWith({ terminalLingerMs: 200 });
    const workflow = counted(() => closed);
    for (let i = 0; i < 20; i += 1) {
      const replay = collecting();
      (await hub.subscribe('distribution:e2', workflow.fetch, 0, replay.subscriber))();
      expect(replay.got).toEqual([1, 2, 3]);
    }
    expect(workflow.fetch.calls).toBe(1);
    // This API retried it: the kept history may be stale, so the next subscriber asks again.
    hub.nudge('distribution:e2');
    (await hub.subscribe('distribution:e2', workflow.fetch, 0, collecting().subscriber))();
    expect(workflow.fetch.calls).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(hub.activeFeeds()).toBe(0);
    (await hub.subscribe('distribution:e2', workflow.fetch, 0, collecting().subscriber))();
    expect(workflow.fetch.calls).toBe(3);
  });

  it('keeps at most maxLingering ended feeds, dropping the oldest', async () => {
    const hub = hubWith({ maxLingering: 2 });
    const workflow = counted(() => closed);
    for (const key of ['a', 'b', 'c']) (await hub.subscribe(`distribution:${key}`, workflow.fetch, 0, collecting().subscriber))();
    expect(hub.activeFeeds()).toBe(2);
    (await hub.subscribe('distribution:a', workflow.fetch, 0, collecting().subscriber))();
    expect(workflow.fetch.calls).toBe(4);
  });

  it("answers an unknown workflow's 404 again for a moment without a query; other failures are asked again", async () => {
    const hub = hubWith({ notFoundMs: 200 });
    const unknown = counted(() => {
      throw new ApiError(404, 'Distribution not found');
    });
    for (let i = 0; i < 10; i += 1)
      await expect(hub.subscribe('distribution:nope', unknown.fetch, 0, collecting().subscriber)).rejects.toMatchObject({ status: 404 });
    expect(unknown.fetch.calls).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await expect(hub.subscribe('distribution:nope', unknown.fetch, 0, collecting().subscriber)).rejects.toMatchObject({ status: 404 });
    expect(unknown.fetch.calls).toBe(2);

    const failing = counted(() => {
      throw new Error('Temporal unreachable');
    });
    for (let i = 0; i < 3; i += 1)
      await expect(hub.subscribe('distribution:flaky', failing.fetch, 0, collecting().subscriber)).rejects.toThrow('unreachable');
    expect(failing.fetch.calls).toBe(3);
  });

  it('drops a live feed as soon as its last subscriber leaves', async () => {
    const hub = hubWith();
    const workflow = counted(() => ({ events: [event(1)], lastSeq: 1, terminal: false }));
    (await hub.subscribe('deployment:d1', workflow.fetch, 0, collecting().subscriber))();
    expect(hub.activeFeeds()).toBe(0);
  });
});
