// One poller per workflow per API process feeds every subscriber of that workflow's events, so
// the query rate does not grow with the number of clients (SSE and WebSocket alike). The poller
// starts from seq 0 and keeps what it has seen, so a late subscriber's history costs no query.
import type { EventsPage, WorkflowEvent } from '../../workflows/shared/event-log.js';

export type EventsFetcher = (afterSeq: number) => Promise<EventsPage>;

export interface Subscriber {
  onEvents(events: WorkflowEvent[], terminal: boolean): void;
  onError(error: unknown): void;
}

interface Feed {
  key: string;
  events: WorkflowEvent[];
  lastSeq: number;
  terminal: boolean;
  subscribers: Set<Subscriber>;
  /** Subscribers whose backlog has been sent: only they get live events, so none arrive before history. */
  live: WeakSet<Subscriber>;
  timer?: NodeJS.Timeout;
  polling: boolean;
  /** A nudge came while a poll was running: poll again as soon as it ends. */
  nudged: boolean;
  fetch: EventsFetcher;
  /** Resolves after the first fetch, so a subscriber's history is complete before it is sent. */
  ready: Promise<void>;
}

export interface EventHubOptions {
  pollIntervalMs: number;
  /** Events kept per workflow for late subscribers (the workflows keep at most 500 themselves). */
  maxBuffered?: number;
}

export class WorkflowEventHub {
  private readonly feeds = new Map<string, Feed>();
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
      subscriber.onEvents(feed.events.filter((e) => e.seq > afterSeq), feed.terminal);
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
    if (!feed || feed.terminal) return;
    if (feed.polling) {
      feed.nudged = true;
      return;
    }
    clearTimeout(feed.timer);
    void this.poll(feed, feed.fetch);
  }

  private feedFor(key: string, fetch: EventsFetcher): Feed {
    const existing = this.feeds.get(key);
    if (existing) return existing;
    const feed: Feed = { key, events: [], lastSeq: 0, terminal: false, subscribers: new Set(), live: new WeakSet(), polling: false, nudged: false, fetch, ready: Promise.resolve() };
    feed.ready = this.poll(feed, fetch, true);
    // A failed first fetch is reported to subscribe(); nothing else awaits it.
    feed.ready.catch(() => this.feeds.delete(key));
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
    feed.timer = setTimeout(() => void this.poll(feed, fetch), this.options.pollIntervalMs);
  }

  private unsubscribe(feed: Feed, subscriber: Subscriber): void {
    feed.subscribers.delete(subscriber);
    if (feed.subscribers.size > 0) return;
    clearTimeout(feed.timer);
    this.feeds.delete(feed.key);
  }

  close(): void {
    for (const feed of this.feeds.values()) clearTimeout(feed.timer);
    this.feeds.clear();
  }
}
