// The limits one API key lives under on HTTP: a request rate per route class, and a cap on the
// SSE streams it holds open. Refusals are ApiErrors (429 with Retry-After), so each app answers in
// its own error shape (Panda for /api/v1, the Distribution Service's for /api/distribution).
import type { Context } from 'hono';
import { ApiError } from '../errors.js';
import { StreamSlots, holdSlot } from './stream-slots.js';
import { KeyRateLimiter, type RateLimits, type RouteClass } from './token-bucket.js';

export interface KeyLimits {
  /** Requests per minute per key, by route class (0: no limit). */
  ratePerMinute: RateLimits;
  /** SSE streams one key may hold open at once (0: no cap). */
  sseStreamsPerKey: number;
}

/** An SSE client refused for too many open streams should come back after this (the streams' own `retry:`). */
const STREAM_RETRY_AFTER_SECONDS = 5;

/** GET and HEAD read; anything else writes, unless the route says it starts a workflow. */
export function routeClassOf(method: string, declared?: RouteClass): RouteClass {
  if (declared) return declared;
  return method === 'GET' || method === 'HEAD' ? 'read' : 'write';
}

function tooMany(c: Context, retryAfterSeconds: number, message: string, extras: Record<string, unknown>): ApiError {
  c.header('Retry-After', String(retryAfterSeconds));
  return new ApiError(429, message, { errorCode: 'RATE_LIMIT_EXCEEDED', retryAfterSeconds, ...extras });
}

export class KeyLimiter {
  private readonly rates: KeyRateLimiter;
  readonly streams: StreamSlots;

  constructor(
    readonly limits: KeyLimits,
    now: () => number = Date.now,
  ) {
    this.rates = new KeyRateLimiter(limits.ratePerMinute, now);
    this.streams = new StreamSlots(limits.sseStreamsPerKey);
  }

  /** Spends one request of the class for the key, or throws the 429. */
  admit(c: Context, key: string, routeClass: RouteClass): void {
    const admission = this.rates.take(key, routeClass);
    if (admission.ok) return;
    throw tooMany(
      c,
      admission.retryAfterSeconds,
      `Too many ${routeClass} requests for this API key: at most ${admission.limit} a minute; retry after ${admission.retryAfterSeconds} s`,
      {
        routeClass,
        limitPerMinute: admission.limit,
      },
    );
  }

  /** Takes one of the key's stream slots for this request (handed to the stream by takeSlot), or throws the 429. */
  holdStream(c: Context, key: string): { release: () => void; taken: boolean } {
    const release = this.streams.acquire(key);
    if (!release) {
      throw tooMany(
        c,
        STREAM_RETRY_AFTER_SECONDS,
        `This API key already holds ${this.streams.max} open event streams, as many as it may: close one first`,
        {
          openStreams: this.streams.count(key),
          maxStreams: this.streams.max,
        },
      );
    }
    return holdSlot(c.req.raw, release);
  }
}
