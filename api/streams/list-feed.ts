// The console's lists, live: one reader per API process reads the deployment and distribution
// lists (Temporal visibility) and the freezes (one query), every interval while anyone watches and
// at once after this API changed something (nudge), and tells every subscriber what changed. So
// the reads do not grow with the number of clients: 3 reads an interval however many watch.
// Changes are numbered and the last ones kept, so a client reconnecting with Last-Event-ID gets
// what it missed; a position the feed cannot serve (too old, another process, an earlier run)
// earns a `reset`: read the lists again.
import {
  cursorOf,
  LIST_KINDS,
  listChanges,
  parseCursor,
  snapshotOf,
  type ListChange,
  type ListKind,
  type ListRow,
  type ListSnapshot,
} from './list-changes.js';

export type ListReaders = Record<ListKind, () => Promise<ListRow[]>>;

export interface NumberedChange {
  cursor: string;
  change: ListChange;
}

export interface ListSubscriber {
  /** Read the lists again (a first connection, or a position the feed cannot resume from); changes after `cursor` follow. */
  onReset(cursor: string): void;
  onChanges(changes: NumberedChange[]): void;
}

export interface ListFeedOptions {
  intervalMs: number;
  /** How long reading goes on after the last subscriber leaves (a page moving between views reconnects). */
  lingerMs?: number;
  /** Changes kept for clients that resume. */
  maxBuffered?: number;
  /** After a nudge, wait this long so a burst of changes costs one read. */
  nudgeDelayMs?: number;
}

export class ListFeed {
  /** Rounds of reads, and reads (one per kind a round), since the process started: the cost, for tests and metrics. */
  rounds = 0;
  reads = 0;
  private readonly subscribers = new Set<ListSubscriber>();
  private readonly live = new WeakSet<ListSubscriber>();
  private snapshots = new Map<ListKind, ListSnapshot>();
  private buffer: { seq: number; change: ListChange }[] = [];
  private epoch = '';
  private seq = 0;
  /** Bumped at each start and stop, so a read that outlives its run changes nothing. */
  private generation = 0;
  private ready: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private idle: NodeJS.Timeout | undefined;
  private reading = false;
  private nudged = false;

  constructor(
    private readonly readers: ListReaders,
    private readonly options: ListFeedOptions,
  ) {}

  /** Subscribes from a stream position (Last-Event-ID) or none; returns the unsubscribe function. */
  async subscribe(after: string | undefined, subscriber: ListSubscriber): Promise<() => void> {
    this.subscribers.add(subscriber);
    clearTimeout(this.idle);
    this.idle = undefined;
    this.ready ??= this.start();
    await this.ready;
    if (!this.subscribers.has(subscriber)) return () => undefined;
    const position = parseCursor(after);
    const oldest = this.buffer[0]?.seq ?? this.seq + 1;
    if (position && position.epoch === this.epoch && position.seq <= this.seq && position.seq >= oldest - 1) {
      const missed = this.buffer.filter((b) => b.seq > position.seq);
      if (missed.length > 0) subscriber.onChanges(missed.map((b) => this.numbered(b)));
    } else {
      subscriber.onReset(cursorOf(this.epoch, this.seq));
    }
    this.live.add(subscriber);
    return () => this.unsubscribe(subscriber);
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  /** Something changed through this API (a deployment started, a freeze set…): read now, not at the next tick. */
  nudge(): void {
    if (this.ready === undefined) return;
    if (this.reading) {
      this.nudged = true;
      return;
    }
    clearTimeout(this.timer);
    const generation = this.generation;
    this.timer = setTimeout(() => void this.read(generation), this.options.nudgeDelayMs ?? 50);
    this.timer.unref();
  }

  close(): void {
    this.stop();
    this.subscribers.clear();
  }

  private numbered({ seq, change }: { seq: number; change: ListChange }): NumberedChange {
    return { cursor: cursorOf(this.epoch, seq), change };
  }

  private async start(): Promise<void> {
    this.generation += 1;
    this.epoch = Math.random().toString(36).slice(2, 10) || 'e0';
    this.seq = 0;
    this.buffer = [];
    this.snapshots = new Map();
    // The first round is the baseline: what clients read when told to reset.
    await this.read(this.generation);
  }

  private stop(): void {
    this.generation += 1;
    clearTimeout(this.timer);
    clearTimeout(this.idle);
    this.timer = undefined;
    this.idle = undefined;
    this.ready = undefined;
    this.nudged = false;
  }

  private unsubscribe(subscriber: ListSubscriber): void {
    this.subscribers.delete(subscriber);
    if (this.subscribers.size > 0 || this.ready === undefined) return;
    clearTimeout(this.idle);
    this.idle = setTimeout(() => {
      if (this.subscribers.size === 0) this.stop();
    }, this.options.lingerMs ?? 10_000);
    this.idle.unref();
  }

  private async read(generation: number): Promise<void> {
    if (generation !== this.generation) return;
    if (this.reading) {
      this.nudged = true;
      return;
    }
    this.reading = true;
    clearTimeout(this.timer);
    try {
      this.rounds += 1;
      this.reads += LIST_KINDS.length;
      // A kind whose read fails keeps its last snapshot; its changes are told at its next good read.
      const results = await Promise.allSettled(LIST_KINDS.map((kind) => this.readers[kind]()));
      if (generation !== this.generation) return;
      const fresh: ListChange[] = [];
      LIST_KINDS.forEach((kind, index) => {
        const result = results[index]!;
        if (result.status !== 'fulfilled') return;
        const after = snapshotOf(result.value);
        const before = this.snapshots.get(kind);
        if (before) fresh.push(...listChanges(kind, before, after));
        this.snapshots.set(kind, after);
      });
      if (fresh.length > 0) this.publish(fresh);
    } finally {
      this.reading = false;
    }
    if (generation !== this.generation) return;
    const again = this.nudged;
    this.nudged = false;
    this.timer = setTimeout(() => void this.read(generation), again ? 0 : this.options.intervalMs);
    this.timer.unref();
  }

  private publish(changes: ListChange[]): void {
    const entries = changes.map((change) => ({ seq: ++this.seq, change }));
    this.buffer.push(...entries);
    const max = this.options.maxBuffered ?? 500;
    if (this.buffer.length > max) this.buffer.splice(0, this.buffer.length - max);
    const numbered = entries.map((e) => this.numbered(e));
    for (const subscriber of this.subscribers) if (this.live.has(subscriber)) subscriber.onChanges(numbered);
  }
}
