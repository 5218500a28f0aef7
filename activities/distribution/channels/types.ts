// The contract between the distribution activities and the channel adapters. Adapters split a
// publish into prepare (create a remote draft) and publish (check the draft, then publish it) so
// that a retried activity can look at the remote state instead of publishing a second time.

import type { ChannelType, PartnerChannelType } from '../../../domain/channels.js';
import type { ChannelPublishFields } from '../../../domain/distribution.js';

export { CHANNEL_TYPES, type ChannelType, type PartnerChannelType } from '../../../domain/channels.js';

/** What one channel publish needs. idempotencyKey is stable across retries of the same publish (e.g. "dist-evt-1/INSTAGRAM/0"). */
export interface PublishInput {
  eventId: string;
  channel: ChannelType;
  config: Record<string, unknown>;
  contentUrls: Record<string, string | undefined>;
  idempotencyKey: string;
}

/** The Distribution Service's per-channel success fields (the workflow keeps them as they are), with a message. */
export type ChannelPublishResult = ChannelPublishFields & { message: string };

/** Remote state recorded BEFORE publishing, so a retry can check it instead of publishing twice. */
export interface PreparedPublish {
  channel: ChannelType;
  remoteId: string;
}

export interface ChannelAdapter {
  readonly channel: ChannelType;
  /** Step 1: create the remote draft/container and return its id (safe to repeat: at worst an unpublished draft is orphaned). */
  prepare(input: PublishInput, signal?: AbortSignal): Promise<PreparedPublish>;
  /** Step 2: publish the prepared draft. MUST first check the remote state of prepared.remoteId and, if already published, return the existing result without publishing again. May poll (call `onProgress(percent)` while waiting, e.g. Instagram container status polling). */
  publish(
    input: PublishInput,
    prepared: PreparedPublish,
    onProgress: (percent: number) => void,
    signal?: AbortSignal,
  ): Promise<ChannelPublishResult>;
}

/** Where each channel lives and how to authenticate; the sandbox points all of these at the local emulators. */
export interface ChannelEndpointsConfig {
  instagram: { graphBaseUrl: string; igUserId: string; accessToken: string; pollIntervalMs: number; pollTimeoutMs: number };
  partners: Record<PartnerChannelType, { baseUrl: string; token: string }>;
  requestTimeoutMs: number;
}
