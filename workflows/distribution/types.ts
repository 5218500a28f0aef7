// The distribution workflow's input, state and results. The vocabulary lives in
// domain/distribution.ts (shared with the activities and the API); re-exported here for the
// workflow's own modules. The workflow id is the workflow's own.
export {
  CHANNEL_PHASES, CHANNEL_STATUSES, OVERALL_STATUSES, RETRY_STATUSES, isSettled, overallStatusOf, settledStatusOf,
} from '../../domain/distribution.js';
export type {
  ChannelPhase, ChannelPublishFields, ChannelRequest, ChannelState, ChannelStatus, DistributionInput, DistributionSnapshot,
  OverallStatus, RetryOutcome, RetryStatus,
} from '../../domain/distribution.js';

export function distributionWorkflowId(eventId: string): string {
  return `dist-${eventId}`;
}
