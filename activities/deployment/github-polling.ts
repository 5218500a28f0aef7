// How a long GitHub poll stays inside GitHub's budget: reads are conditional, so an unchanged
// answer is a 304 that costs nothing against the primary rate limit, and a rate limit is waited
// out in place (heartbeating) when its reset falls inside this attempt, or handed to Temporal as
// the next attempt's delay when it does not.
import { Context, sleep } from '@temporalio/activity';
import { gitHubRateLimitFailure, gitHubRateLimitWaitMs } from './errors.js';

/** Room left at the end of an attempt for the call that follows the wait. */
const ATTEMPT_MARGIN_MS = 30_000;

interface GitHubAnswer<T> {
  data: T;
  headers: { etag?: string | undefined };
}

/** GET answers kept by key with their ETags, to ask again with If-None-Match. */
export class ConditionalReads {
  readonly #seen = new Map<string, { etag: string; data: unknown }>();

  async read<T>(key: string, get: (headers: Record<string, string>) => Promise<GitHubAnswer<T>>): Promise<T> {
    const seen = this.#seen.get(key);
    try {
      const answer = await get(seen ? { 'if-none-match': seen.etag } : {});
      if (answer.headers.etag) this.#seen.set(key, { etag: answer.headers.etag, data: answer.data });
      return answer.data;
    } catch (error) {
      // Octokit rejects a 304 Not Modified: the answer is the one already seen.
      if (seen && (error as { status?: number }).status === 304) return seen.data as T;
      throw error;
    }
  }
}

/**
 * Runs `call`; while GitHub answers with a rate limit, waits as long as it says (calling
 * `heartbeat` meanwhile) and calls again. A wait that would outlast the attempt fails it
 * retryably, with the wait as the next attempt's delay; `context` names what was asked.
 */
export async function outlastingRateLimits<T>(context: string, call: () => Promise<T>, heartbeat: () => void): Promise<T> {
  for (;;) {
    try {
      return await call();
    } catch (error) {
      const waitMs = gitHubRateLimitWaitMs(error);
      if (waitMs === undefined) throw error;
      const { info, log } = Context.current();
      const said = `${context}: ${(error as Error).message}`;
      const attemptEnds = info.currentAttemptScheduledTimestampMs + info.startToCloseTimeoutMs;
      if (Date.now() + waitMs > attemptEnds - ATTEMPT_MARGIN_MS) throw gitHubRateLimitFailure(said, waitMs);
      log.warn('GitHub rate limit: waiting for its reset', { context, waitMs });
      const chunkMs = Math.max(1_000, (info.heartbeatTimeoutMs ?? 20_000) / 2);
      for (const until = Date.now() + waitMs; Date.now() < until;) {
        heartbeat();
        await sleep(Math.min(chunkMs, until - Date.now()));
      }
    }
  }
}
