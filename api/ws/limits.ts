// What one WebSocket client may send and be sent. Incoming messages over the rate are dropped (one
// RATE_LIMIT_EXCEEDED a window says so); outgoing broadcasts over the WatchHamster API's 5 a second wait in a
// bounded queue (broadcast-queue.ts, sent by outbox.ts); replies are never held.
import type { ErrorSender } from './protocol.js';
import { SlidingWindow } from './sliding-window.js';

export interface WsLimits {
  /** Largest accepted message (WatchHamster: 1 MB). Larger ones get INVALID_MESSAGE_FORMAT. */
  maxMessageBytes: number;
  /** Frames above this are not even read: `ws` closes the connection with 1009. */
  hardMaxPayloadBytes: number;
  /** Messages per client per `rateWindowMs` (WatchHamster: 10 per second). */
  messagesPerWindow: number;
  rateWindowMs: number;
  /** Open connections per API key (WatchHamster: 5 per client) and in all (1000). */
  connectionsPerKey: number;
  maxConnections: number;
  /** Closed after this long without a client message (WatchHamster: 5 minutes). */
  idleTimeoutMs: number;
  /** Protocol pings this often; a client that has not answered the previous one is dropped. */
  heartbeatMs: number;
  /** A client that lets this much pile up unsent is too slow and is closed (1008). */
  maxBufferedBytes: number;
  /** How often service/status subscriptions look for new deployments (one poller per query). */
  discoveryIntervalMs: number;
  /** Distinct service/status queries one session may watch, and all sessions of one API key. */
  discoveriesPerSession: number;
  discoveriesPerKey: number;
  /**
   * Deployment and distribution ids one session may name, in total across its subscribes (those a
   * service/status query finds are bounded by that query instead). One subscribe may name 200.
   */
  maxWatchedIds: number;
  /**
   * Ids a session may start watching a minute (ones it does not watch already; a since_seq replay
   * of a watched one is free): unsubscribing and naming others cannot cycle through ids faster.
   */
  newIdsPerMinute: number;
  /**
   * Broadcast frames (events, alerts) sent to a client per `outboundWindowMs` (WatchHamster: 5
   * broadcasts a second); more wait in order. Replies to the client's own messages do not count.
   */
  outboundPerWindow: number;
  outboundWindowMs: number;
  /** Broadcasts that may wait for the outbound window; one more closes the client (1008). */
  maxQueuedBroadcasts: number;
}

export const WATCHHAMSTER_WS_LIMITS: WsLimits = {
  maxMessageBytes: 1024 * 1024,
  hardMaxPayloadBytes: 4 * 1024 * 1024,
  messagesPerWindow: 10,
  rateWindowMs: 1000,
  connectionsPerKey: 5,
  maxConnections: 1000,
  idleTimeoutMs: 5 * 60_000,
  heartbeatMs: 30_000,
  maxBufferedBytes: 8 * 1024 * 1024,
  discoveryIntervalMs: 2000,
  discoveriesPerSession: 10,
  discoveriesPerKey: 20,
  // SWITCHYARD_WS_WATCHED_IDS; a dashboard watches a page of deployments, not a history.
  maxWatchedIds: 100,
  // SWITCHYARD_WS_NEW_IDS_PER_MINUTE: three full pages of ids a minute.
  newIdsPerMinute: 300,
  outboundPerWindow: 5,
  outboundWindowMs: 1000,
  // 200 s of backlog at 5 a second: a client that far behind is watching more than it can read.
  maxQueuedBroadcasts: 1000,
};

/** The incoming rate: one RATE_LIMIT_EXCEEDED per window, however long the burst. */
export class InboundRate {
  private readonly window: SlidingWindow;
  private refusedAt = -Infinity;

  constructor(private readonly limits: Pick<WsLimits, 'messagesPerWindow' | 'rateWindowMs'>) {
    this.window = new SlidingWindow(limits.messagesPerWindow, limits.rateWindowMs);
  }

  /** Whether this message may be read; a refused one is dropped, and reported once a window. */
  admit(fail: ErrorSender): boolean {
    const { messagesPerWindow, rateWindowMs } = this.limits;
    const now = Date.now();
    if (this.window.hasRoom(now)) {
      this.window.record(now);
      return true;
    }
    if (now - this.refusedAt >= rateWindowMs) {
      this.refusedAt = now;
      fail('RATE_LIMIT_EXCEEDED', `At most ${messagesPerWindow} messages per ${rateWindowMs} ms: messages are dropped until then`, {
        limit: messagesPerWindow,
        window_ms: rateWindowMs,
        retry_after_ms: this.window.msUntilRoom(now),
      });
    }
    return false;
  }
}
