// The distribution workflow's input, state and results. The vocabulary lives in
// domain/distribution.ts (shared with the activities and the API); re-exported here for the
// workflow's own modules. The workflow id is the workflow's own.
export {
  CHANNEL_PHASES,
  CHANNEL_STATUSES,
  OVERALL_STATUSES,
  RETRY_STATUSES,
  isSettled,
  overallStatusOf,
  settledStatusOf,
} from '../../domain/distribution.js';
export type {
  ChannelPhase,
  ChannelPublishFields,
  ChannelRequest,
  ChannelState,
  ChannelStatus,
  DistributionInput,
  DistributionSnapshot,
  OverallStatus,
  RetryOutcome,
  RetryStatus,
} from '../../domain/distribution.js';

import type { ChannelState } from '../../domain/distribution.js';
import type { EventLogState } from '../shared/event-log.js';

/**
 * What a distribution carries into its next run when it continues as new (its second argument;
 * the API only ever starts the first run, with the input alone). The input itself is carried
 * unchanged, so the channels' requests and the start input read by the API stay the same.
 */
export interface DistributionContinuation {
  startedAt: string;
  completedAt?: string;
  channels: ChannelState[];
  events: EventLogState;
  /** Settles so far: the completion webhook's idempotency key goes on counting. */
  settleCount: number;
  retryWindowEndsAt: string;
}

export function distributionWorkflowId(eventId: string): string {
  return `dist-${eventId}`;
}
