// One poller per workflow per API process feeds every subscriber of that workflow's events, so
// the query rate does not grow with the number of clients (SSE and WebSocket alike). The poller
// starts from seq 0 and keeps what it has seen, so a late subscriber's history costs no query.
// A feed that has ended (terminal) stays a while after its last subscriber leaves, and an unknown
// workflow's 404 is remembered briefly: re-subscribing (a WebSocket since_seq replay, an SSE
// reconnect) then costs no query, however often a client asks.
import {
  COALESCE_MS,
  DEFAULT_MAX_LINGERING,
  DEFAULT_NOT_FOUND_MS,
  DEFAULT_TERMINAL_LINGER_MS,
  SAFETY_POLL_FACTOR,
  type EventHubOptions,
  type EventsFetcher,
  type Feed,
  type Subscriber,
} from './event-feed.js';
import { ApiError } from '../errors.js';

export class WorkflowEventHub {
  private readonly feeds = new Map<string, Feed>();
  /** Feeds kept without subscribers, oldest first. */
  private readonly lingering = new Set<Feed>();
  /** Total queries sent, for metrics and for the "no more queries than one" guarantee. */
  queries = 0;

  constructor(private readonly options: EventHubOptions) {}

  /**
   * Subscribes to a workflow's events after `afterSeq`: the backlog first, then live events.
   * Returns the unsubscribe function.
   */
  async subscribe(key: string, fetch: EventsFetcher, afterSeq: number, subscriber: Subscriber): Promise<() => void> {
    const feed = this.feedFor(key, fetch);
    feed.subscribers.add(subscriber);
    const unsubscribe = () => this.unsubscribe(feed, subscriber);
    try {
      await feed.ready;
    } catch (error) {
      unsubscribe();
      throw error;
    }
    if (feed.subscribers.has(subscriber)) {
      // Backlog and going live happen in one synchronous step: every event fetched so far is in
      // feed.events, every later one reaches the subscriber through a poll.
      subscriber.onEvents(
        feed.events.filter((e) => e.seq > afterSeq),
        feed.terminal,
      );
      feed.live.add(subscriber);
    }
    return unsubscribe;
  }

  activeFeeds(): number {
    return this.feeds.size;
  }

  /**
   * Polls a watched workflow now instead of at its next tick: this API has just changed it (a
   * switch, a rollback, a retry), so its subscribers hear the change without waiting a poll interval.
   * One extra query per change this API makes; nothing happens for a workflow nobody watches.
   */
  nudge(key: string): void {
    const feed = this.feeds.get(key);
    // A kept feed nobody watches is stale now (a retry reopens a settled distribution): drop it.
    if (feed && feed.subscribers.size === 0) {
      this.drop(feed);
      return;
    }
    if (!feed || feed.terminal) return;
    if (feed.polling) {
      feed.nudged = true;
      return;
    }
    this.stopWaiting(feed);
    void this.poll(feed, feed.fetch);
  }

  private stopWaiting(feed: Feed): void {
    clearTimeout(feed.timer);
    feed.waiting?.abort();
    feed.waiting = undefined;
  }

  private feedFor(key: string, fetch: EventsFetcher): Feed {
    const existing = this.feeds.get(key);
    if (existing) {
      this.keep(existing);
      return existing;
    }
    const feed: Feed = {
      key,
      events: [],
      lastSeq: 0,
      terminal: false,
      subscribers: new Set(),
      live: new WeakSet(),
      polling: false,
      nudged: false,
      fetch,
      hintless: fetch.changes === undefined,
      closedHints: 0,
      ready: Promise.resolve(),
    };
    feed.ready = this.poll(feed, fetch, true);
    // A failed first fetch is reported to subscribe(); nothing else awaits it. An unknown
    // workflow's answer is kept briefly, so asking again and again costs one query per period.
    feed.ready.catch((error: unknown) => {
      feed.failed = true;
      const notFound = error instanceof ApiError && error.status === 404;
      if (notFound) this.linger(feed, this.options.notFoundMs ?? DEFAULT_NOT_FOUND_MS);
      else this.drop(feed);
    });
    this.feeds.set(key, feed);
    return feed;
  }

  private async poll(feed: Feed, fetch: EventsFetcher, first = false): Promise<void> {
    if (feed.polling) return;
    feed.polling = true;
    try {
      this.queries += 1;
      const page = await fetch(feed.lastSeq);
      const fresh = page.events.filter((e) => e.seq > feed.lastSeq);
      feed.lastSeq = Math.max(feed.lastSeq, page.lastSeq);
      feed.terminal = page.terminal;
      feed.events.push(...fresh);
      const max = this.options.maxBuffered ?? 1000;
      if (feed.events.length > max) feed.events.splice(0, feed.events.length - max);
      if (!first && (fresh.length > 0 || page.terminal)) {
        for (const subscriber of feed.subscribers) if (feed.live.has(subscriber)) subscriber.onEvents(fresh, page.terminal);
      }
    } catch (error) {
      if (first) throw error;
      for (const subscriber of feed.subscribers) if (feed.live.has(subscriber)) subscriber.onError(error);
    } finally {
      feed.polling = false;
    }
    if (feed.nudged && !feed.terminal && this.feeds.get(feed.key) === feed) {
      feed.nudged = false;
      void this.poll(feed, fetch);
      return;
    }
    this.schedule(feed, fetch);
  }

  private schedule(feed: Feed, fetch: EventsFetcher): void {
    if (feed.subscribers.size === 0 && !feed.terminal) return;
    // Terminal feeds stop polling but stay for late subscribers until the last one leaves.
    if (feed.terminal) return;
    if (feed.hintless || !fetch.changes) {
      feed.timer = setTimeout(() => void this.poll(feed, fetch), this.options.pollIntervalMs);
      return;
    }
    const waiting = new AbortController();
    feed.waiting = waiting;
    let woken = false;
    const wake = (delayMs: number) => {
      if (woken || this.feeds.get(feed.key) !== feed) return;
      woken = true;
      clearTimeout(feed.timer);
      feed.timer = setTimeout(() => {
        if (feed.waiting === waiting) feed.waiting = undefined;
        waiting.abort();
        void this.poll(feed, fetch);
      }, delayMs);
    };
    feed.timer = setTimeout(() => wake(0), this.options.pollIntervalMs * SAFETY_POLL_FACTOR);
    fetch.changes(waiting.signal).then(
      (changed) => {
        // "Closed" is that run closing: a workflow that continued as new has a successor with its
        // own hint, found by the next wait. One closed for good without a terminal event (say,
        // terminated) would answer "closed" at once every time: poll it on the timer instead.
        feed.closedHints = changed ? 0 : feed.closedHints + 1;
        if (feed.closedHints > 1) feed.hintless = true;
        wake(COALESCE_MS);
      },
      () => {
        if (waiting.signal.aborted) return;
        // No hint for this workflow: poll it on the timer from now on.
        feed.hintless = true;
        clearTimeout(feed.timer);
        feed.timer = setTimeout(() => void this.poll(feed, fetch), this.options.pollIntervalMs);
      },
    );
  }

  private unsubscribe(feed: Feed, subscriber: Subscriber): void {
    feed.subscribers.delete(subscriber);
    if (feed.subscribers.size > 0) return;
    this.stopWaiting(feed);
    // A failed feed is dropped by its own rules (feedFor); an ended one stays a while.
    if (feed.failed) return;
    if (feed.terminal) this.linger(feed, this.options.terminalLingerMs ?? DEFAULT_TERMINAL_LINGER_MS);
    else this.drop(feed);
  }

  /** Keeps a feed without subscribers for `ms` (bounded in number), then drops it. */
  private linger(feed: Feed, ms: number): void {
    if (ms <= 0 || this.feeds.get(feed.key) !== feed) {
      this.drop(feed);
      return;
    }
    clearTimeout(feed.expiry);
    feed.expiry = setTimeout(() => {
      if (feed.subscribers.size === 0) this.drop(feed);
    }, ms);
    feed.expiry.unref();
    this.lingering.delete(feed);
    this.lingering.add(feed);
    const max = this.options.maxLingering ?? DEFAULT_MAX_LINGERING;
    for (const oldest of this.lingering) {
      if (this.lingering.size <= max) break;
      this.drop(oldest);
    }
  }

  /** A kept feed has a subscriber again (a failed one keeps its expiry: it is dropped on time). */
  private keep(feed: Feed): void {
    if (feed.failed) return;
    clearTimeout(feed.expiry);
    feed.expiry = undefined;
    this.lingering.delete(feed);
  }

  private drop(feed: Feed): void {
    clearTimeout(feed.expiry);
    this.lingering.delete(feed);
    this.stopWaiting(feed);
    if (this.feeds.get(feed.key) === feed) this.feeds.delete(feed.key);
  }

  close(): void {
    for (const feed of this.feeds.values()) {
      this.stopWaiting(feed);
      clearTimeout(feed.expiry);
    }
    this.lingering.clear();
    this.feeds.clear();
  }
}
