// Follow-ups through a command's or an action's response_url (up to five posts in 30 minutes),
// and a small TTL set for request de-duplication.
import type { KnownBlock } from '@slack/web-api';
import type { Logger } from '../../common/logger.js';

export interface SlackReply {
  response_type?: 'ephemeral' | 'in_channel';
  text: string;
  blocks?: KnownBlock[];
  replace_original?: boolean;
  delete_original?: boolean;
}

export async function postToResponseUrl(url: string | undefined, reply: SlackReply, logger: Logger): Promise<boolean> {
  if (!url) return false;
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(reply),
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok) logger.warn({ status: response.status }, 'Slack response_url refused the follow-up');
    return response.ok;
  } catch (error) {
    logger.warn({ err: error }, 'Slack response_url follow-up failed');
    return false;
  }
}

/** Keys seen in the last `ttlMs`: `add` is false for a key already there. */
export class RecentKeys {
  readonly #seen = new Map<string, number>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxKeys = 10_000,
  ) {}

  add(key: string, now = Date.now()): boolean {
    this.#expire(now);
    const until = this.#seen.get(key);
    if (until !== undefined && until > now) return false;
    this.#seen.set(key, now + this.ttlMs);
    if (this.#seen.size > this.maxKeys) this.#seen.delete(this.#seen.keys().next().value!);
    return true;
  }

  delete(key: string): void {
    this.#seen.delete(key);
  }

  #expire(now: number): void {
    // Insertion order is expiry order (one TTL for all keys).
    for (const [key, until] of this.#seen) {
      if (until > now) break;
      this.#seen.delete(key);
    }
  }
}
