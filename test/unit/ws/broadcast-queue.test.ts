// The pacing rule for broadcasts, with the time given: a seed client gets one plain envelope per
// frame, at most 5 a window, oldest first; a client that asked for batches gets all that waits in
// one frame; the queue is bounded.
import { describe, expect, it } from 'vitest';
import { BroadcastQueue } from '../../../api/ws/broadcast-queue.js';
import { isBroadcast, message, SERVER_MESSAGE_TYPES, type ServerMessage } from '../../../api/ws/protocol.js';

const limits = { outboundPerWindow: 5, outboundWindowMs: 1000, maxQueuedBroadcasts: 20 };
const event = (seq: number): ServerMessage =>
  message('deployment_event', { deployment_id: 'dep_1', seq, message: 'é' }, { broadcast_id: `b${seq}` });
const parsed = (frames: string[]) => frames.map((f) => JSON.parse(f) as { type: string; data: Record<string, unknown> });

describe('BroadcastQueue', () => {
  it('sends a seed client single envelopes, 5 a window, in order, and says when to come back', () => {
    const q = new BroadcastQueue(limits);
    for (let seq = 1; seq <= 12; seq += 1) expect(q.push(event(seq))).toBe(true);
    const first = q.drain(10_000, false);
    expect(parsed(first.frames).map((m) => [m.type, m.data.seq])).toEqual([1, 2, 3, 4, 5].map((s) => ['deployment_event', s]));
    expect(first.waitMs).toBe(1000);
    // Nothing more until the window has moved on, however often it is asked.
    expect(q.drain(10_500, false)).toEqual({ frames: [], waitMs: 500 });
    const second = q.drain(11_000, false);
    expect(parsed(second.frames).map((m) => m.data.seq)).toEqual([6, 7, 8, 9, 10]);
    const third = q.drain(12_000, false);
    expect(parsed(third.frames).map((m) => m.data.seq)).toEqual([11, 12]);
    expect(third.waitMs).toBeUndefined();
    expect(q.size).toBe(0);
    expect(q.bytes).toBe(0);
  });

  it('gives a client with the batch capability everything waiting in one frame, plain when it is one', () => {
    const q = new BroadcastQueue(limits);
    q.push(event(1));
    expect(parsed(q.drain(0, true).frames)).toEqual([
      expect.objectContaining({ type: 'deployment_event', data: expect.objectContaining({ seq: 1 }) }),
    ]);
    const held = [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map(event);
    for (const msg of held) q.push(msg);
    const [batch, ...rest] = parsed(q.drain(1, true).frames);
    expect(rest).toEqual([]);
    expect(batch).toMatchObject({ type: 'batch', data: { count: 11 } });
    // The envelopes exactly as they were pushed, in order.
    expect(batch!.data.messages).toEqual(JSON.parse(JSON.stringify(held)) as unknown);
    // Batches count against the same window: 3 more frames fit in this second, then it waits.
    for (let i = 0; i < 3; i += 1) {
      q.push(event(100 + i));
      expect(q.drain(2 + i, true).frames).toHaveLength(1);
    }
    q.push(event(200));
    q.push(event(201));
    expect(q.drain(10, true)).toEqual({ frames: [], waitMs: 990 });
    expect(parsed(q.drain(1000, true).frames)[0]).toMatchObject({ type: 'batch', data: { count: 2 } });
  });

  it('is bounded: past maxQueuedBroadcasts a push is refused and nothing is held for it', () => {
    const q = new BroadcastQueue({ ...limits, maxQueuedBroadcasts: 3 });
    expect([1, 2, 3, 4].map((seq) => q.push(event(seq)))).toEqual([true, true, true, false]);
    expect(q.size).toBe(3);
    // Bytes are UTF-8 bytes (the é is two), as the socket's bufferedAmount counts them.
    expect(q.bytes).toBe([1, 2, 3].reduce((n, seq) => n + Buffer.byteLength(JSON.stringify(event(seq))), 0));
    q.clear();
    expect(q.size).toBe(0);
    expect(q.push(event(5))).toBe(true);
  });

  it('holds only broadcasts: replies and errors are never paced', () => {
    expect(SERVER_MESSAGE_TYPES.filter(isBroadcast)).toEqual(['deployment_event', 'distribution_event', 'alert']);
  });
});
