// The distribution workflow's input, state and results. Pure types and functions: the API reads
// the same shapes from queries and maps them onto the seed's schemas.
import type { ChannelType } from '../../common/channel-types.js';

export interface ChannelRequest {
  type: ChannelType;
  config: Record<string, unknown>;
}

export interface DistributionInput {
  eventId: string;
  channels: ChannelRequest[];
  contentUrls: Record<string, string | undefined>;
  /** How long the workflow stays open after it settles, for status and retries. */
  retryWindowMs: number;
  /** First backoff between publish attempts; doubles each attempt. */
  retryBackoffMs: number;
  /** Who asked (API key label): audit, never a secret. */
  requestedBy: string;
}

/** The seed's per-channel publish fields. */
export interface ChannelPublishFields {
  message?: string;
  distributionId?: string;
  estimatedViews?: number;
  postUrl?: string;
  postId?: string;
  messageId?: string;
  adId?: string;
  impressionSchedule?: string[];
  updateTimestamp?: string;
}

export type ChannelStatus = 'PENDING' | 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';
export type ChannelPhase = 'SCHEDULED' | 'PREPARING' | 'PUBLISHING' | 'BACKING_OFF' | 'DONE';

export interface ChannelState {
  channel: ChannelType;
  status: ChannelStatus;
  phase: ChannelPhase;
  scheduledTime?: string;
  startedAt?: string;
  completedAt?: string;
  result?: ChannelPublishFields;
  errorMessage?: string;
  /** Failed publish attempts so far (the seed's `retries`). */
  retries: number;
  lastRetryAt?: string;
  cancelled?: boolean;
  /** The remote draft/container id, recorded before publishing so a retry checks it first. */
  preparedRemoteId?: string;
  /** Bumped when a draft proved unpublishable: the next draft gets a new idempotency key. */
  draftGeneration?: number;
}

export type OverallStatus = 'PENDING' | 'IN_PROGRESS' | 'COMPLETED' | 'PARTIAL_FAILURE' | 'FAILED';

export interface DistributionSnapshot {
  distributionId: string;
  eventId: string;
  overallStatus: OverallStatus;
  startedAt: string;
  completedAt?: string;
  channels: ChannelState[];
  eventCount: number;
  /** When the retry window closes (only once settled). */
  retryWindowEndsAt?: string;
}

export interface RetryOutcome {
  eventId: string;
  retryStatus: 'COMPLETED' | 'PARTIAL_FAILURE' | 'FAILED';
  retriedAt: string;
  channels: ChannelState[];
}

export function isSettled(channel: ChannelState): boolean {
  return channel.status === 'COMPLETED' || channel.status === 'FAILED';
}

export function overallStatusOf(channels: ChannelState[]): OverallStatus {
  if (channels.every((c) => c.status === 'PENDING')) return 'PENDING';
  if (!channels.every(isSettled)) return 'IN_PROGRESS';
  const failed = channels.filter((c) => c.status === 'FAILED').length;
  if (failed === 0) return 'COMPLETED';
  return failed === channels.length ? 'FAILED' : 'PARTIAL_FAILURE';
}

export function settledStatusOf(channels: ChannelState[]): RetryOutcome['retryStatus'] {
  const status = overallStatusOf(channels);
  return status === 'COMPLETED' || status === 'FAILED' ? status : 'PARTIAL_FAILURE';
}

export function distributionWorkflowId(eventId: string): string {
  return `dist-${eventId}`;
}
