// Per-key token buckets, one per route class: a key may spend `perMinute` requests of a class in
// a burst, and earns them back evenly over a minute. In memory, per API replica: N replicas behind
// a balancer allow up to N times the rate (documented in the README), which still bounds one key.
export const ROUTE_CLASSES = ['read', 'write', 'start'] as const;
export type RouteClass = (typeof ROUTE_CLASSES)[number];

/** Requests per minute per key and class; 0 turns that class's limit off. */
export type RateLimits = Record<RouteClass, number>;

export type Admission = { ok: true } | { ok: false; retryAfterSeconds: number; limit: number };

interface Bucket {
  tokens: number;
  at: number;
}

export class KeyRateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly limits: RateLimits,
    private readonly now: () => number = Date.now,
  ) {}

  /** Spends one request of `routeClass` for `key`, or says how long until one is earned. */
  take(key: string, routeClass: RouteClass): Admission {
    const limit = this.limits[routeClass];
    if (limit <= 0) return { ok: true };
    const now = this.now();
    const id = `${routeClass}\u0000${key}`;
    const perMs = limit / 60_000;
    const bucket = this.buckets.get(id) ?? { tokens: limit, at: now };
    bucket.tokens = Math.min(limit, bucket.tokens + (now - bucket.at) * perMs);
    bucket.at = now;
    this.buckets.set(id, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000)), limit };
  }
}
