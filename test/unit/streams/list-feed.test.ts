// The console's live lists: what counts as a change (added, changed, a freeze removed; a run
// pushed out of the newest-N list is not a removal), and the shared feed: one round of reads per
// interval however many subscribe, a nudge reads at once, a reconnect with the last position gets
// exactly what it missed, and a position it cannot serve (foreign, too old) gets a reset.
import { afterEach, describe, expect, it } from 'vitest';
import { listChanges, parseCursor, snapshotOf, type ListKind, type ListRow } from '../../../api/streams/list-changes.js';
import { ListFeed, type ListSubscriber, type NumberedChange } from '../../../api/streams/list-feed.js';

const row = (id: string, status: string, extra: Record<string, unknown> = {}): ListRow => ({ id, status, item: { id, status, ...extra } });

describe('list changes', () => {
  it('says what was added and changed; removals only for freezes', () => {
    const before = snapshotOf([row('a', 'IN_PROGRESS'), row('b', 'COMPLETED')]);
    const after = snapshotOf([row('c', 'IN_PROGRESS'), row('a', 'DEPLOYMENT_READY')]);
    expect(listChanges('deployment', before, after).map((c) => [c.change, c.id, c.status])).toEqual([
      ['added', 'c', 'IN_PROGRESS'],
      ['changed', 'a', 'DEPLOYMENT_READY'],
    ]);
    expect(listChanges('freeze', before, after).map((c) => [c.change, c.id])).toEqual([
      ['added', 'c'],
      ['changed', 'a'],
      ['removed', 'b'],
    ]);
    expect(listChanges('deployment', after, snapshotOf([row('c', 'IN_PROGRESS'), row('a', 'DEPLOYMENT_READY')]))).toEqual([]);
    // A status alone (a freeze going from planned to active) is a change.
    expect(listChanges('freeze', snapshotOf([row('f', 'PLANNED')]), snapshotOf([row('f', 'ACTIVE')]))).toHaveLength(1);
  });

  it('reads only well-formed cursors', () => {
    expect(parseCursor('k3x9.12')).toEqual({ epoch: 'k3x9', seq: 12 });
    for (const bad of [undefined, '', '12', 'a.b', 'A.1', 'x.1.2', `${'a'.repeat(17)}.1`]) expect(parseCursor(bad)).toBeUndefined();
  });
});

describe('the shared list feed', () => {
  const feeds: ListFeed[] = [];
  afterEach(() => {
    for (const feed of feeds.splice(0)) feed.close();
  });

  /** Lists held in memory, as the readers would return them; every read is counted by the feed. */
  function lists(lingerMs = 0) {
    const rows: Record<ListKind, ListRow[]> = { deployment: [], distribution: [], freeze: [] };
    const feed = new ListFeed(
      {
        deployment: async () => [...rows.deployment],
        distribution: async () => [...rows.distribution],
        freeze: async () => [...rows.freeze],
      },
      { intervalMs: 100, lingerMs, nudgeDelayMs: 0 },
    );
    feeds.push(feed);
    return { rows, feed };
  }
  function subscriber() {
    const seen: { resets: string[]; changes: NumberedChange[] } = { resets: [], changes: [] };
    const s: ListSubscriber = {
      onReset: (cursor) => seen.resets.push(cursor),
      onChanges: (changes) => seen.changes.push(...changes),
    };
    return { s, seen };
  }
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('reads once an interval however many subscribe, and nothing with none', async () => {
    const { feed } = lists();
    const one = subscriber();
    const stop = await feed.subscribe(undefined, one.s);
    await sleep(1000);
    const withOne = feed.rounds;
    // Subscribing costs no read of its own: 200 more add nothing but a timer round that may fall in between.
    const before = feed.rounds;
    const many = Array.from({ length: 200 }, () => subscriber());
    const stops = await Promise.all(many.map((m) => feed.subscribe(undefined, m.s)));
    expect(feed.rounds - before).toBeLessThanOrEqual(1);
    const from = feed.rounds;
    await sleep(1000);
    const withMany = feed.rounds - from;
    // At most a round an interval (100 ms) either way: 201 subscribers cost what one does.
    expect(withOne).toBeGreaterThanOrEqual(1);
    expect(withOne).toBeLessThanOrEqual(12);
    expect(withMany).toBeGreaterThanOrEqual(1);
    expect(withMany).toBeLessThanOrEqual(12);
    expect(feed.reads).toBe(feed.rounds * 3);
    for (const s of [stop, ...stops]) s();
    await sleep(50);
    const idle = feed.rounds;
    await sleep(400);
    expect(feed.rounds).toBe(idle);
  });

  it('tells subscribers each change once, at once after a nudge, and resumes a reconnect exactly', async () => {
    // The feed keeps reading a while after its last subscriber leaves (a page changing views).
    const { rows, feed } = lists(5000);
    const first = subscriber();
    const stop = await feed.subscribe(undefined, first.s);
    expect(first.seen.resets).toHaveLength(1);
    rows.deployment.unshift(row('dep_1', 'IN_PROGRESS'));
    const before = feed.rounds;
    feed.nudge();
    await sleep(30);
    expect(feed.rounds).toBe(before + 1);
    expect(first.seen.changes.map((c) => [c.change.kind, c.change.change, c.change.id])).toEqual([['deployment', 'added', 'dep_1']]);
    const position = first.seen.changes[0]!.cursor;
    stop();

    // While away: a status change and a freeze set then lifted.
    rows.deployment[0] = row('dep_1', 'DEPLOYMENT_READY');
    rows.freeze.push(row('frz_1', 'ACTIVE'));
    await sleep(250);
    rows.freeze.pop();
    await sleep(250);
    const back = subscriber();
    await feed.subscribe(position, back.s);
    expect(back.seen.resets).toEqual([]);
    expect(back.seen.changes.map((c) => [c.change.kind, c.change.change, c.change.id, c.change.status])).toEqual([
      ['deployment', 'changed', 'dep_1', 'DEPLOYMENT_READY'],
      ['freeze', 'added', 'frz_1', 'ACTIVE'],
      ['freeze', 'removed', 'frz_1', 'ACTIVE'],
    ]);
    // A position from another process (or an earlier run), or garbage: read the lists again.
    for (const foreign of ['zz99.1', 'nonsense']) {
      const other = subscriber();
      await feed.subscribe(foreign, other.s);
      expect(other.seen.resets).toHaveLength(1);
      expect(other.seen.changes).toEqual([]);
    }
  });
});
