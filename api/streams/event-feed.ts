// What the event hub (event-hub.ts) is made of: the fetcher it polls, the subscribers it feeds,
// one feed's state per workflow, and its options with their defaults.
import type { EventsPage, WorkflowEvent } from '../../workflows/shared/event-log.js';

/**
 * Reads a workflow's events after a seq (its events query). May carry `changes`: a wait that
 * resolves when the workflow's history grows (true) or it has closed (false), so the feed can
 * query right after a change rather than on a timer.
 */
export type EventsFetcher = ((afterSeq: number) => Promise<EventsPage>) & { changes?: (signal: AbortSignal) => Promise<boolean> };

/** With a change hint, the timer is only a safety net: this many poll intervals. */
export const SAFETY_POLL_FACTOR = 20;
/** After a change, wait this long so a burst of history events costs one query. */
export const COALESCE_MS = 25;

export interface Subscriber {
  onEvents(events: WorkflowEvent[], terminal: boolean): void;
  onError(error: unknown): void;
}

export interface Feed {
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
  /** The pending wait for a history change, aborted when the feed polls for another reason or ends. */
  waiting?: AbortController;
  /** The change hint failed (no permission, say): this feed polls on its timer only. */
  hintless: boolean;
  /** Hints in a row that said "closed" (see schedule). */
  closedHints: number;
  /** Resolves after the first fetch, so a subscriber's history is complete before it is sent. */
  ready: Promise<void>;
  /** The first fetch failed: the feed only answers that failure until it is dropped. */
  failed?: boolean;
  /** Set while the feed outlives its last subscriber (terminal, or a remembered 404). */
  expiry?: NodeJS.Timeout;
}

export interface EventHubOptions {
  pollIntervalMs: number;
  /** Events kept per workflow for late subscribers (the workflows keep at most 500 themselves). */
  maxBuffered?: number;
  /** How long an ended feed stays after its last subscriber leaves (default 10 s; 0: dropped at once). */
  terminalLingerMs?: number;
  /** How long an unknown workflow's 404 is answered without a new query (default 1 s). */
  notFoundMs?: number;
  /** Feeds kept without subscribers at most; the oldest goes first (default 1000). */
  maxLingering?: number;
}

export const DEFAULT_TERMINAL_LINGER_MS = 10_000;
export const DEFAULT_NOT_FOUND_MS = 1000;
export const DEFAULT_MAX_LINGERING = 1000;
