// The broadcasts one client is owed (deployment and distribution events, alerts), paced to the
// WatchHamster WebSocket API's "server broadcast rate: 5 a second". Pure: the outbox asks, with
// the time, what may go now. A WatchHamster client gets one plain envelope per frame, the oldest
// first; a client that announced the `batch` capability gets everything held in one `batch` frame whenever the window has room.
// Bounded: `push` refuses once `maxQueuedBroadcasts` are waiting (the outbox then closes the
// client as too slow), so a client that cannot keep up costs the server a fixed amount.
import { Buffer } from 'node:buffer';
import type { ServerMessage } from './protocol.js';
import { SlidingWindow } from './sliding-window.js';

export interface BroadcastQueueLimits {
  /** Broadcast frames per `outboundWindowMs` (WatchHamster: 5 a second). */
  outboundPerWindow: number;
  outboundWindowMs: number;
  /** Broadcasts that may wait for the window; one more means the client is too slow. */
  maxQueuedBroadcasts: number;
}

export interface Drained {
  /** Serialized frames to send now, in order. */
  frames: string[];
  /** When something is still held: how long until the window has room again. */
  waitMs?: number;
}

export class BroadcastQueue {
  private readonly window: SlidingWindow;
  /** Serialized envelopes, oldest first: serialized once, and their size is known. */
  private held: string[] = [];
  private heldBytes = 0;

  constructor(private readonly limits: BroadcastQueueLimits) {
    this.window = new SlidingWindow(limits.outboundPerWindow, limits.outboundWindowMs);
  }

  get size(): number {
    return this.held.length;
  }

  /** UTF-8 bytes held: counted with the socket's own buffer against maxBufferedBytes. */
  get bytes(): number {
    return this.heldBytes;
  }

  /** Holds one more broadcast; false (and nothing held) when the queue is full. */
  push(msg: ServerMessage): boolean {
    if (this.held.length >= this.limits.maxQueuedBroadcasts) return false;
    const frame = JSON.stringify(msg);
    this.held.push(frame);
    this.heldBytes += Buffer.byteLength(frame, 'utf8');
    return true;
  }

  /** Takes what the window lets go at `now`: single envelopes, or (batching) one batch of all held. */
  drain(now: number, batching: boolean): Drained {
    const frames: string[] = [];
    while (this.held.length > 0 && this.window.hasRoom(now)) {
      const taken = batching ? this.held.splice(0) : this.held.splice(0, 1);
      for (const frame of taken) this.heldBytes -= Buffer.byteLength(frame, 'utf8');
      frames.push(taken.length === 1 ? taken[0]! : batchFrame(taken, now));
      this.window.record(now);
    }
    return this.held.length > 0 ? { frames, waitMs: Math.max(1, this.window.msUntilRoom(now)) } : { frames };
  }

  clear(): void {
    this.held = [];
    this.heldBytes = 0;
  }
}

/**
 * `{type: 'batch', data: {count, messages: [<envelope>, …]}, timestamp}`, built from envelopes
 * already serialized. Only for clients that announced the `batch` capability: WatchHamster has no
 * such type, and its client would drop the frame and every message in it.
 */
function batchFrame(envelopes: string[], now: number): string {
  return `{"type":"batch","data":{"count":${envelopes.length},"messages":[${envelopes.join(',')}]},"timestamp":${JSON.stringify(new Date(now).toISOString())}}`;
}
