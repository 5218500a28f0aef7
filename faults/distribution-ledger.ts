// What one six-channel distribution must have done: COMPLETED on every channel, and in the
// channel emulators exactly one post per channel: one partner draft under the distribution's
// key, published; one Instagram media (a second container is allowed, a second post is not).
import { CHANNEL_TYPES, PARTNER_CHANNEL_TYPES } from '../domain/channels.js';
import type { Sandbox } from '../emulators/sandbox.js';
import type { ApiClient, Json } from './api-client.js';
import { CONTENT_URLS } from '../test/channels/sandbox.js';
import { sleep } from './processes.js';

/** All six channels; the event id in every caption, so the emulators' records can be told apart. */
export async function distribute(api: ApiClient, eventId: string, latencyMs: number): Promise<void> {
  const res = await api.call('POST', '/api/distribution/distribute', {
    eventId,
    channels: CHANNEL_TYPES.map((type) => ({ type, config: { latencyMs, caption: `fault suite ${eventId}`, hashtags: ['faults'] } })),
    contentUrls: CONTENT_URLS,
  });
  if (res.status !== 200 && res.status !== 202) throw new Error(`distribute refused: ${res.status} ${JSON.stringify(res.body)}`);
}

/** Polls the status until no channel is pending; undefined if it never settles in time. */
export async function settleDistribution(api: ApiClient, eventId: string, timeoutMs = 120_000): Promise<Json | undefined> {
  const deadline = Date.now() + timeoutMs;
  let last: Json | undefined;
  while (Date.now() < deadline) {
    const res = await api.call('GET', `/api/distribution/${eventId}/status`).catch(() => undefined);
    if (res?.status === 200) {
      last = res.body;
      if (!['PENDING', 'IN_PROGRESS'].includes(last.overallStatus)) return last;
    }
    await sleep(200);
  }
  return last;
}

/** Publishes seen so far for these events, in all channels: the distributions' progress. */
export function publishesSoFar(sandbox: Sandbox, eventIds: string[]): number {
  const state = sandbox.channels.state;
  const partner = PARTNER_CHANNEL_TYPES.reduce(
    (n, channel) => n + [...state.partners[channel].drafts.values()].filter((d) => eventIds.includes(d.eventId) && d.published).length,
    0,
  );
  const media = [...state.instagram.media.values()].filter((m) => eventIds.some((e) => m.caption.includes(e))).length;
  return partner + media;
}

export function distributionLosses(sandbox: Sandbox, eventId: string, status: Json | undefined): string[] {
  const losses: string[] = [];
  if (status?.overallStatus !== 'COMPLETED') losses.push(`overallStatus: ${JSON.stringify(status?.overallStatus)}, expected "COMPLETED"`);
  for (const channel of (status?.channels ?? []) as Json[]) {
    if (channel.status !== 'COMPLETED')
      losses.push(`${channel.channel}: ${channel.status} after ${channel.retries ?? '?'} retries (${channel.errorMessage ?? ''})`);
  }
  const state = sandbox.channels.state;
  for (const channel of PARTNER_CHANNEL_TYPES) {
    const drafts = [...state.partners[channel].drafts.values()].filter((d) => d.eventId === eventId);
    const published = drafts.filter((d) => d.published).length;
    if (drafts.length !== 1 || published !== 1)
      losses.push(`${channel}: ${drafts.length} drafts, ${published} published, expected 1 and 1`);
  }
  const media = [...state.instagram.media.values()].filter((m) => m.caption.includes(eventId)).length;
  if (media !== 1) losses.push(`INSTAGRAM: ${media} posts, expected 1`);
  return losses;
}
