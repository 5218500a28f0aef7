// From the workflow's state to the Distribution Service's response shapes. It uses SUCCESS in results and
// COMPLETED in status views for the same outcome.
import type { ChannelState, DistributionSnapshot, RetryOutcome } from '../../domain/distribution.js';
import type { ChannelResult, ChannelStatusBody } from './schemas.js';

function publishFields(state: ChannelState) {
  const { message: _message, ...fields } = state.result ?? {};
  return {
    ...fields,
    ...(state.errorMessage && state.status === 'FAILED' ? { errorMessage: state.errorMessage } : {}),
    retries: state.retries,
    ...(state.lastRetryAt ? { lastRetryAt: state.lastRetryAt } : {}),
  };
}

export function toChannelResult(state: ChannelState): ChannelResult {
  return {
    channel: state.channel,
    status: state.status === 'COMPLETED' ? 'SUCCESS' : state.status,
    ...publishFields(state),
    ...(state.result?.message ? { message: state.result.message } : {}),
  };
}

/** Progress of an in-flight channel: the publish activity's heartbeat when known, else its phase. */
export function toChannelStatus(state: ChannelState, heartbeatProgress?: number): ChannelStatusBody {
  const phaseProgress = { SCHEDULED: 0, PREPARING: 10, BACKING_OFF: 30, PUBLISHING: 50, DONE: 100 }[state.phase];
  return {
    channel: state.channel,
    status: state.status,
    ...(state.status === 'IN_PROGRESS' ? { progress: Math.max(phaseProgress, Math.round(heartbeatProgress ?? 0)) } : {}),
    ...publishFields(state),
    ...(state.completedAt && state.status !== 'IN_PROGRESS' && state.status !== 'PENDING' ? { completedAt: state.completedAt } : {}),
  };
}

export function toDistributionResponse(snapshot: DistributionSnapshot) {
  return {
    distributionId: snapshot.distributionId,
    eventId: snapshot.eventId,
    status: snapshot.overallStatus,
    startedAt: snapshot.startedAt,
    ...(snapshot.completedAt ? { completedAt: snapshot.completedAt } : {}),
    results: snapshot.channels.map(toChannelResult),
  };
}

export function toStatusResponse(snapshot: DistributionSnapshot, progress: Map<string, number> = new Map()) {
  return {
    eventId: snapshot.eventId,
    overallStatus: snapshot.overallStatus,
    startedAt: snapshot.startedAt,
    ...(snapshot.completedAt ? { completedAt: snapshot.completedAt } : {}),
    channels: snapshot.channels.map((c) => toChannelStatus(c, progress.get(c.channel))),
  };
}

export function toRetryResponse(outcome: RetryOutcome) {
  return {
    eventId: outcome.eventId,
    retryStatus: outcome.retryStatus,
    retriedAt: outcome.retriedAt,
    results: outcome.channels.map(toChannelResult),
  };
}
