// GitHub's primary rate limit, counted per token (5,000 requests an hour for a user's token; a
// GitHub App installation on Enterprise Cloud gets 15,000) and for anonymous callers (60),
// reported in the x-ratelimit-* headers and enforced with 403 like GitHub does. A conditional
// request answered 304 does not count ("Best practices for using the REST API").
const HOUR_MS = 60 * 60 * 1000;

export interface RateLimitOptions {
  /** Requests per token per window (default 5,000, a user's token). */
  limit?: number;
  /** The window (default an hour, as on GitHub; tests shorten it). */
  windowMs?: number;
}

export interface RateLimitStatus {
  limit: number;
  remaining: number;
  used: number;
  reset: number;
}

/** What the emulator answered against the limit, for tests: refusals with their window, and free 304s. */
export interface RateLimitRecord {
  refusals: { token: string; windowStart: number; at: number }[];
  notModified: number;
}

export class RateLimits {
  readonly record: RateLimitRecord = { refusals: [], notModified: 0 };
  readonly #windows = new Map<string, { start: number; used: number }>();
  readonly #limit: number;
  readonly #windowMs: number;

  constructor(options: RateLimitOptions = {}) {
    this.#limit = options.limit ?? 5_000;
    this.#windowMs = options.windowMs ?? HOUR_MS;
  }

  /** Counts one request; `remaining` < 0 means it is over the limit. */
  take(token: string | undefined, now = Date.now()): RateLimitStatus {
    const window = this.#window(token, now);
    window.used += 1;
    const status = this.#status(token, window);
    if (status.remaining < 0 && this.record.refusals.length < 10_000)
      this.record.refusals.push({ token: token ?? 'anonymous', windowStart: window.start, at: now });
    return status;
  }

  /**
   * Gives back a request that turned out not to count (a 304), taken in the window that resets at
   * `reset`; one that has reset since keeps its count. Returns the status after it.
   */
  refund(token: string | undefined, reset: number, now = Date.now()): RateLimitStatus {
    const window = this.#window(token, now);
    if (this.#status(token, window).reset === reset) window.used = Math.max(0, window.used - 1);
    this.record.notModified += 1;
    return this.#status(token, window);
  }

  /** The limit a token's window holds. */
  limitFor(token: string | undefined): number {
    return token === undefined ? 60 : this.#limit;
  }

  #window(token: string | undefined, now: number) {
    const key = token ?? 'anonymous';
    let window = this.#windows.get(key);
    if (!window || now - window.start >= this.#windowMs) {
      window = { start: now, used: 0 };
      this.#windows.set(key, window);
    }
    return window;
  }

  #status(token: string | undefined, window: { start: number; used: number }): RateLimitStatus {
    const limit = this.limitFor(token);
    return { limit, remaining: limit - window.used, used: window.used, reset: Math.ceil((window.start + this.#windowMs) / 1000) };
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
