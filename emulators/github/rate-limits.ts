// GitHub's primary rate limit, counted per token (5,000 requests an hour) and for anonymous
// callers (60), reported in the x-ratelimit-* headers and enforced with 403 like GitHub does.
const WINDOW_MS = 60 * 60 * 1000;

export interface RateLimitStatus { limit: number; remaining: number; used: number; reset: number }

export class RateLimits {
  readonly #windows = new Map<string, { start: number; used: number }>();

  /** Counts one request; `remaining` < 0 means it is over the limit. */
  take(token: string | undefined, now = Date.now()): RateLimitStatus {
    const key = token ?? 'anonymous';
    const limit = token === undefined ? 60 : 5_000;
    let window = this.#windows.get(key);
    if (!window || now - window.start >= WINDOW_MS) {
      window = { start: now, used: 0 };
      this.#windows.set(key, window);
    }
    window.used += 1;
    return { limit, remaining: limit - window.used, used: window.used, reset: Math.ceil((window.start + WINDOW_MS) / 1000) };
  }
}
