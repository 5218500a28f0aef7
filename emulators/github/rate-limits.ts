// GitHub's primary rate limit, counted per token (5,000 requests an hour) and for anonymous
// callers (60), reported in the x-ratelimit-* headers and enforced with 403 like GitHub does.
const WINDOW_MS = 60 * 60 * 1000;

export interface RateLimitStatus {
  limit: number;
  remaining: number;
  used: number;
  reset: number;
}

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

/** The x-ratelimit-* headers GitHub sends with every REST answer. */
export function rateLimitHeaders(status: RateLimitStatus): Record<string, string> {
  return {
    'x-ratelimit-limit': String(status.limit),
    'x-ratelimit-remaining': String(Math.max(0, status.remaining)),
    'x-ratelimit-used': String(Math.min(status.used, status.limit)),
    'x-ratelimit-reset': String(status.reset),
    'x-ratelimit-resource': 'core',
  };
}

/** The 403 message of an exhausted primary limit; `login` undefined for anonymous callers. */
export function primaryRateLimitMessage(login: string | undefined): string {
  return `API rate limit exceeded for ${login === undefined ? 'this client (anonymous)' : `user ${login}`}.`;
}
