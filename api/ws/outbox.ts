// Everything sent to one client goes through here. Replies leave at once as plain frames;
// broadcasts wait in the BroadcastQueue and leave as the outbound window allows (protocol.ts has
// the rule). A client that lets too much pile up (its socket buffer plus the queue over
// maxBufferedBytes, or more than maxQueuedBroadcasts waiting) is too slow and the session closes it.
import { BroadcastQueue } from './broadcast-queue.js';
import type { WsLimits } from './limits.js';
import { errorMessage, isBroadcast, type ServerMessage } from './protocol.js';
import { WS_OPEN, type RawSocket } from './ws-types.js';

type OutboxLimits = Pick<WsLimits, 'outboundPerWindow' | 'outboundWindowMs' | 'maxQueuedBroadcasts' | 'maxBufferedBytes'>;

export class Outbox {
  private readonly queue: BroadcastQueue;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Whether the client announced the `batch` capability (client_info). */
  batching = false;

  constructor(
    private readonly limits: OutboxLimits,
    private readonly socket: RawSocket,
    /** A client that does not read what it is sent: the session closes it (1008). */
    private readonly tooSlow: () => void,
    /** The client id for the error a client hears before it is closed for an overflowing queue. */
    private readonly clientId: () => string,
  ) {
    this.queue = new BroadcastQueue(limits);
  }

  send(msg: ServerMessage): void {
    if (!this.open()) return;
    if (!isBroadcast(msg.type)) {
      this.write(JSON.stringify(msg));
      return;
    }
    if (!this.queue.push(msg)) {
      this.overflow();
      return;
    }
    this.flush();
  }

  /** Drops what is held; nothing more is sent. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.queue.clear();
  }

  private open(): boolean {
    return !this.stopped && this.socket.readyState === WS_OPEN;
  }

  /** Sends one frame unless the client is already too far behind (then closes it instead). */
  private write(frame: string): boolean {
    if (this.socket.bufferedAmount + this.queue.bytes > this.limits.maxBufferedBytes) {
      this.tooSlow();
      return false;
    }
    this.socket.send(frame);
    return true;
  }

  /** Sends what the window allows now; if more waits, comes back when the window has room. */
  private flush(): void {
    if (this.timer || !this.open()) return; // a timer is set: it sends in order, when allowed
    const { frames, waitMs } = this.queue.drain(Date.now(), this.batching);
    for (const frame of frames) if (!this.write(frame)) return;
    if (waitMs === undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, waitMs);
  }

  /** More broadcasts waiting than allowed: the client is told why (a plain frame), then closed. */
  private overflow(): void {
    const { maxQueuedBroadcasts, outboundPerWindow, outboundWindowMs } = this.limits;
    this.write(
      JSON.stringify(
        errorMessage(
          'RATE_LIMIT_EXCEEDED',
          `More than ${maxQueuedBroadcasts} events are waiting to be sent (at most ${outboundPerWindow} per ${outboundWindowMs} ms): ` +
            'closing; subscribe to fewer workflows, or send client_info with "capabilities": ["batch"]',
          {
            limit: 'queued_broadcasts',
            max: maxQueuedBroadcasts,
            outbound_per_window: outboundPerWindow,
            window_ms: outboundWindowMs,
          },
          this.clientId(),
        ),
      ),
    );
    this.tooSlow();
  }
}
