// A distribution's vocabulary: its input, per-channel state and results, and the status lists
// (const arrays, types derived). Pure types and functions: the workflow keeps these shapes, the
// activities fill the publish fields, the API reads them from queries and maps them onto the
// Distribution Service's schemas.
import type { ChannelType } from './channels.js';

/** One channel a distribution publishes to, with that channel's settings. */
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
  /**
   * Continue as new at a settle once the history has this many events (default 500): retries
   * within the window grow the history, a new run starts small with the state carried over.
   */
  continueAsNewAfterEvents?: number;
}

/** The Distribution Service's per-channel publish fields. */
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

export const CHANNEL_STATUSES = ['PENDING', 'IN_PROGRESS', 'COMPLETED', 'FAILED'] as const;
export type ChannelStatus = (typeof CHANNEL_STATUSES)[number];

export const CHANNEL_PHASES = ['SCHEDULED', 'PREPARING', 'PUBLISHING', 'BACKING_OFF', 'DONE'] as const;
export type ChannelPhase = (typeof CHANNEL_PHASES)[number];

export interface ChannelState {
  channel: ChannelType;
  status: ChannelStatus;
  phase: ChannelPhase;
  scheduledTime?: string;
  startedAt?: string;
  completedAt?: string;
  result?: ChannelPublishFields;
  errorMessage?: string;
  /** Failed publish attempts so far (the Distribution Service's `retries`). */
  retries: number;
  lastRetryAt?: string;
  cancelled?: boolean;
  /** The remote draft/container id, recorded before publishing so a retry checks it first. */
  preparedRemoteId?: string;
  /** Bumped when a draft proved unpublishable: the next draft gets a new idempotency key. */
  draftGeneration?: number;
}

export const OVERALL_STATUSES = ['PENDING', 'IN_PROGRESS', 'COMPLETED', 'PARTIAL_FAILURE', 'FAILED'] as const;
export type OverallStatus = (typeof OVERALL_STATUSES)[number];

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

/** The overall statuses of a distribution whose channels have all settled. */
export const SETTLED_STATUSES = ['COMPLETED', 'PARTIAL_FAILURE', 'FAILED'] as const satisfies readonly OverallStatus[];
/** How a retry ended: a settled status. */
export const RETRY_STATUSES = SETTLED_STATUSES;
export type RetryStatus = (typeof RETRY_STATUSES)[number];

export interface RetryOutcome {
  eventId: string;
  retryStatus: RetryStatus;
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

export function settledStatusOf(channels: ChannelState[]): RetryStatus {
  const status = overallStatusOf(channels);
  return status === 'COMPLETED' || status === 'FAILED' ? status : 'PARTIAL_FAILURE';
}
