// The pure rules under the per-key limits: a token bucket per key and route class (a burst of the
// minute's budget, earned back evenly), and a count of open streams per key that frees on release.
import { describe, expect, it } from 'vitest';
import { routeClassOf } from '../../../api/limits/key-limits.js';
import { StreamSlots } from '../../../api/limits/stream-slots.js';
import { KeyRateLimiter } from '../../../api/limits/token-bucket.js';

describe('per-key rate', () => {
  it("allows the minute's budget in a burst, then refuses with the wait until one more is earned", () => {
    let now = 1_000_000;
    const limiter = new KeyRateLimiter({ read: 60, write: 6, start: 0 }, () => now);
    for (let i = 0; i < 6; i += 1) expect(limiter.take('alice', 'write')).toEqual({ ok: true });
    // 6 a minute: one every 10 s.
    expect(limiter.take('alice', 'write')).toEqual({ ok: false, retryAfterSeconds: 10, limit: 6 });
    now += 4_000;
    expect(limiter.take('alice', 'write')).toMatchObject({ ok: false, retryAfterSeconds: 6 });
    now += 6_000;
    expect(limiter.take('alice', 'write')).toEqual({ ok: true });
    expect(limiter.take('alice', 'write').ok).toBe(false);
  });

  it('keeps keys and classes apart, and 0 turns a class off', () => {
    const limiter = new KeyRateLimiter({ read: 2, write: 1, start: 0 }, () => 0);
    expect(limiter.take('alice', 'write').ok).toBe(true);
    expect(limiter.take('alice', 'write').ok).toBe(false);
    expect(limiter.take('bob', 'write').ok).toBe(true);
    expect(limiter.take('alice', 'read').ok).toBe(true);
    for (let i = 0; i < 1000; i += 1) expect(limiter.take('alice', 'start').ok).toBe(true);
  });

  it('never earns more than the burst while idle', () => {
    let now = 0;
    const limiter = new KeyRateLimiter({ read: 3, write: 0, start: 0 }, () => now);
    now += 3_600_000;
    const admitted = Array.from({ length: 10 }, () => limiter.take('k', 'read').ok).filter(Boolean).length;
    expect(admitted).toBe(3);
  });

  it('classes routes by method unless the route declares its class', () => {
    expect(routeClassOf('GET')).toBe('read');
    expect(routeClassOf('HEAD')).toBe('read');
    expect(routeClassOf('POST')).toBe('write');
    expect(routeClassOf('DELETE')).toBe('write');
    expect(routeClassOf('POST', 'start')).toBe('start');
  });
});

describe('open streams per key', () => {
  it('caps each key, frees a slot on release (once, however often called), and 0 means no cap', () => {
    const slots = new StreamSlots(2);
    const a = slots.acquire('alice')!;
    const b = slots.acquire('alice')!;
    expect(slots.acquire('alice')).toBeUndefined();
    expect(slots.acquire('bob')).toBeDefined();
    a();
    a();
    expect(slots.count('alice')).toBe(1);
    expect(slots.acquire('alice')).toBeDefined();
    expect(slots.acquire('alice')).toBeUndefined();
    b();
    expect(slots.count('alice')).toBe(1);

    const open = new StreamSlots(0);
    for (let i = 0; i < 100; i += 1) expect(open.acquire('k')).toBeDefined();
  });
});
