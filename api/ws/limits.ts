// What one WebSocket client may send and be sent, and the sliding windows that hold it to that:
// incoming messages over the rate are dropped (one RATE_LIMIT_EXCEEDED a window says so), outgoing
// frames over the seed's 5 a second are held and go out together as one `batch`, in order.
import { message, type ErrorSender, type ServerMessage } from './protocol.js';
import { WS_OPEN, type RawSocket } from './ws-types.js';

export interface WsLimits {
  /** Largest accepted message (the seed: 1 MB). Larger ones get INVALID_MESSAGE_FORMAT. */
  maxMessageBytes: number;
  /** Frames above this are not even read: `ws` closes the connection with 1009. */
  hardMaxPayloadBytes: number;
  /** Messages per client per `rateWindowMs` (the seed: 10 per second). */
  messagesPerWindow: number;
  rateWindowMs: number;
  /** Open connections per API key (the seed: 5 per client) and in all (1000). */
  connectionsPerKey: number;
  maxConnections: number;
  /** Closed after this long without a client message (the seed: 5 minutes). */
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
  /** Frames sent to a client per `outboundWindowMs` (the seed: 5 broadcasts a second); more are batched. */
  outboundPerWindow: number;
  outboundWindowMs: number;
}

export const SEED_WS_LIMITS: WsLimits = {
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
  outboundPerWindow: 5,
  outboundWindowMs: 1000,
};

/** The times of the last `max` events that lie within `windowMs` of now. */
class SlidingWindow {
  private readonly times: number[] = [];

  constructor(private readonly max: number, private readonly windowMs: number) {}

  /** Forgets the events that have left the window; true when one more fits. */
  hasRoom(now: number): boolean {
    while (this.times.length > 0 && now - this.times[0]! >= this.windowMs) this.times.shift();
    return this.times.length < this.max;
  }

  record(now: number): void {
    this.times.push(now);
  }

  /** How long until the oldest event leaves the window (when hasRoom said no). */
  msUntilRoom(now: number): number {
    return this.times[0]! + this.windowMs - now;
  }
}

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
        limit: messagesPerWindow, window_ms: rateWindowMs, retry_after_ms: this.window.msUntilRoom(now),
      });
    }
    return false;
  }
}

/** The outgoing rate: a message goes now if the window allows, else waits for the next batch (order kept). */
export class Outbox {
  private readonly window: SlidingWindow;
  /** Messages held back by the outbound rate, sent as one `batch` when the window allows. */
  private pending: ServerMessage[] = [];
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly limits: Pick<WsLimits, 'outboundPerWindow' | 'outboundWindowMs' | 'maxBufferedBytes'>,
    private readonly socket: RawSocket,
    /** A client that does not read what it is sent: the session closes it. */
    private readonly tooSlow: () => void,
  ) {
    this.window = new SlidingWindow(limits.outboundPerWindow, limits.outboundWindowMs);
  }

  send(msg: ServerMessage): void {
    if (this.stopped || this.socket.readyState !== WS_OPEN) return;
    this.pending.push(msg);
    this.flush();
  }

  /** Drops what is held; nothing more is sent. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.pending = [];
  }

  private flush(fromTimer = false): void {
    if (fromTimer) this.timer = undefined;
    else if (this.timer) return; // already waiting for the window: the timer sends everything held
    if (this.stopped || this.socket.readyState !== WS_OPEN || this.pending.length === 0) return;
    const now = Date.now();
    if (!this.window.hasRoom(now)) {
      this.timer ??= setTimeout(() => this.flush(true), Math.max(1, this.window.msUntilRoom(now)));
      return;
    }
    if (this.socket.bufferedAmount > this.limits.maxBufferedBytes) {
      this.tooSlow();
      return;
    }
    const held = this.pending;
    this.pending = [];
    const frame = held.length === 1 ? held[0]! : message('batch', { count: held.length, messages: held });
    this.window.record(now);
    this.socket.send(JSON.stringify(frame));
  }
}
