// Shared set-up for the channel tests: the emulators on a free port and the production adapters
// pointed at them, with short timings so the suite stays fast.
import { randomUUID } from 'node:crypto';
import { createChannelAdapters } from '../../activities/distribution/channels/registry.js';
import type { ChannelAdapter, ChannelType, PublishInput } from '../../activities/distribution/channels/types.js';
import { sandboxChannelEndpoints } from '../../emulators/wiring/channel-endpoints.js';
import type { SandboxTiming } from '../../emulators/wiring/channel-endpoints.js';
import { startChannelEmulators } from '../../emulators/channels/server.js';
import type { ChannelEmulatorOptions, RunningChannelEmulators } from '../../emulators/channels/server.js';

export const TOKENS = { instagram: 'ig-test-token-5f1c9a', partners: 'partner-test-token-88d2e1' };

export const CONTENT_URLS = {
  wooridongneTV: 'https://cdn.example.com/videos/event-15s.mp4',
  ringoBiz: 'https://cdn.example.com/audio/ringtone.mp3',
  genieTV: 'https://cdn.example.com/videos/event-ad.mp4',
  instagram: 'https://cdn.example.com/images/event-instagram.jpg',
  naverBlog: 'https://cdn.example.com/images/event-naver.jpg',
  kakaoChannel: 'https://cdn.example.com/images/event-kakao.jpg',
};

export const FAST: Required<SandboxTiming> = { pollIntervalMs: 10, pollTimeoutMs: 2_000, requestTimeoutMs: 2_000 };

export interface Sandbox {
  emulators: RunningChannelEmulators;
  adapters: Record<ChannelType, ChannelAdapter>;
}

export async function startSandbox(options: Partial<ChannelEmulatorOptions> = {}, timing: SandboxTiming = {}): Promise<Sandbox> {
  const emulators = await startChannelEmulators({ tokens: TOKENS, ...options });
  return { emulators, adapters: createChannelAdapters(sandboxChannelEndpoints(emulators, { ...FAST, ...timing })) };
}

/** A fresh publish (own idempotency key) of one channel. */
export function publishInput(channel: ChannelType, config: Record<string, unknown> = {}): PublishInput {
  const eventId = `evt-${randomUUID().slice(0, 8)}`;
  return { eventId, channel, config, contentUrls: { ...CONTENT_URLS }, idempotencyKey: `dist-${eventId}/${channel}/0` };
}

export const ignoreProgress = (): void => {};
