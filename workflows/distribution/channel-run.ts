// One channel of a distribution: wait for its scheduled time (a durable timer), then prepare and
// publish, up to MAX_PUBLISH_ATTEMPTS (3) attempts with exponential backoff. The retry loop lives
// here rather than in the activity retry policy so that `retries`/`lastRetryAt` are live in the
// state and an open circuit's wait can be honoured. Each attempt's HTTP calls have tries of their
// own: the whole budget, and why, is in domain/channel-retry-budget.ts.
import { ActivityFailure, ApplicationFailure, condition, proxyActivities, sleep } from '@temporalio/workflow';
import type { Activities } from '../../activities/index.js';
import { preparesIdempotently } from '../../domain/channels.js';
import type { ChannelPublishFields } from '../../domain/distribution.js';
import { ATTEMPTS_PER_PUBLISH, ATTEMPT_BACKOFF_CAP_MS, PUBLISH_ACTIVITY_RETRY } from '../../domain/channel-retry-budget.js';
import type { EventLog } from '../shared/event-log.js';
import type { ChannelRequest, ChannelState, DistributionInput } from './types.js';

export const MAX_PUBLISH_ATTEMPTS = ATTEMPTS_PER_PUBLISH;
const MAX_BACKOFF_MS = ATTEMPT_BACKOFF_CAP_MS;

/**
 * Activity ids start with the channel (`INSTAGRAM/publish/3`), so the API can attribute a pending
 * activity's heartbeat progress to its channel.
 */
function activitiesFor(channel: string, activityId: string) {
  return proxyActivities<Activities>({
    activityId,
    startToCloseTimeout: '2 minutes',
    // Instagram polls its container while publishing; heartbeats carry the progress and let a
    // crashed worker be noticed within the heartbeat timeout.
    heartbeatTimeout: '20 seconds',
    retry: PUBLISH_ACTIVITY_RETRY,
    summary: channel,
  });
}

interface AttemptFailure {
  message: string;
  permanent: boolean;
  retryAfterMs?: number;
  /** The draft a one-activity attempt had prepared before it failed. */
  preparedRemoteId?: string;
}

function failureOf(error: unknown): AttemptFailure {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  if (cause instanceof ApplicationFailure) {
    const details = cause.details?.[0] as { retryAfterMs?: number; preparedRemoteId?: string } | undefined;
    return {
      message: cause.message,
      permanent: cause.nonRetryable === true,
      retryAfterMs: details?.retryAfterMs,
      ...(typeof details?.preparedRemoteId === 'string' ? { preparedRemoteId: details.preparedRemoteId } : {}),
    };
  }
  const message = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
  return { message, permanent: false };
}

export interface ChannelRunContext {
  input: DistributionInput;
  log: EventLog;
  /** Whether a channel whose prepare is idempotent prepares and publishes in one activity per attempt (newer runs). */
  oneActivityAttempts: boolean;
  /** A workflow-unique activity id for this channel's next call. */
  nextActivityId: (channel: string, kind: 'prepare' | 'publish') => string;
}

/** Waits for the channel's scheduled time; false when it was cancelled meanwhile. */
export async function waitForSchedule(state: ChannelState & { cancelRequested?: boolean }, { log }: ChannelRunContext): Promise<boolean> {
  if (!state.scheduledTime) return true;
  const delayMs = Date.parse(state.scheduledTime) - Date.now();
  if (!(delayMs > 0)) return true;
  state.phase = 'SCHEDULED';
  log.append('channel', `${state.channel}: scheduled for ${state.scheduledTime}`, {
    channel: state.channel,
    status: 'PENDING',
    scheduledTime: state.scheduledTime,
  });
  // The timer's summary names it in the UI's timeline (user metadata: replay ignores it).
  const cancelled = await condition(() => state.cancelRequested === true, delayMs, {
    summary: `${state.channel}: publish at ${state.scheduledTime}`,
  });
  if (!cancelled) return true;
  Object.assign(state, {
    status: 'FAILED',
    phase: 'DONE',
    cancelled: true,
    errorMessage: 'Cancelled before its scheduled time',
    completedAt: new Date().toISOString(),
  });
  log.append('channel', `${state.channel}: cancelled before its scheduled time`, { channel: state.channel, status: 'FAILED' });
  return false;
}

export async function publishWithRetries(
  state: ChannelState,
  request: ChannelRequest,
  { input, log, nextActivityId, oneActivityAttempts }: ChannelRunContext,
): Promise<void> {
  const call = (kind: 'prepare' | 'publish') => activitiesFor(state.channel, nextActivityId(state.channel, kind));
  // Stable across attempts and API retries (the partner returns the same draft for it) until a
  // draft proves unpublishable; then a new generation asks for a new draft.
  const publishRequest = () => ({
    eventId: input.eventId,
    channel: state.channel,
    config: request.config,
    contentUrls: input.contentUrls,
    idempotencyKey: `dist-${input.eventId}/${state.channel}${state.draftGeneration ? `/${state.draftGeneration}` : ''}`,
  });
  Object.assign(state, {
    status: 'IN_PROGRESS',
    startedAt: state.startedAt ?? new Date().toISOString(),
    errorMessage: undefined,
    cancelled: undefined,
  });
  log.append('channel', `${state.channel}: publishing`, { channel: state.channel, status: 'IN_PROGRESS' });

  // One activity per attempt where preparing is idempotent; otherwise (Instagram) the draft's id is
  // recorded in the workflow by its own activity before anything is published.
  const attemptOnce = async (): Promise<ChannelPublishFields> => {
    if (oneActivityAttempts && preparesIdempotently(state.channel)) {
      state.phase = 'PUBLISHING';
      const { remoteId, result } = await call('publish').publishChannelAttempt(publishRequest(), state.preparedRemoteId);
      state.preparedRemoteId = remoteId;
      return result;
    }
    if (!state.preparedRemoteId) {
      state.phase = 'PREPARING';
      state.preparedRemoteId = (await call('prepare').prepareChannelPublish(publishRequest())).remoteId;
    }
    state.phase = 'PUBLISHING';
    return call('publish').publishChannel(publishRequest(), state.preparedRemoteId);
  };

  for (let attempt = 1; attempt <= MAX_PUBLISH_ATTEMPTS; attempt++) {
    try {
      const result = await attemptOnce();
      Object.assign(state, { status: 'COMPLETED', phase: 'DONE', result, errorMessage: undefined, completedAt: new Date().toISOString() });
      log.append('channel', `${state.channel}: ${result.message ?? 'published'}`, {
        channel: state.channel,
        status: 'COMPLETED',
        ...result,
      });
      return;
    } catch (error) {
      const failure = failureOf(error);
      if (failure.preparedRemoteId) state.preparedRemoteId = failure.preparedRemoteId;
      Object.assign(state, { retries: state.retries + 1, lastRetryAt: new Date().toISOString(), errorMessage: failure.message });
      // A permanent failure means this draft cannot be published (expired container, rejected
      // content): the next retry prepares a fresh one. A draft that was published never gets
      // here, because publish checks the remote state first and returns its result.
      if (failure.permanent && state.preparedRemoteId) {
        state.preparedRemoteId = undefined;
        state.draftGeneration = (state.draftGeneration ?? 0) + 1;
      }
      const last = failure.permanent || attempt === MAX_PUBLISH_ATTEMPTS;
      log.append('channel', `${state.channel}: attempt ${attempt} failed: ${failure.message}`, {
        channel: state.channel,
        attempt,
        permanent: failure.permanent,
        willRetry: !last,
      });
      if (last) break;
      state.phase = 'BACKING_OFF';
      const backoffMs = Math.min(input.retryBackoffMs * 2 ** (attempt - 1), MAX_BACKOFF_MS);
      await sleep(Math.max(backoffMs, failure.retryAfterMs ?? 0), { summary: `${state.channel}: back off before attempt ${attempt + 1}` });
    }
  }
  Object.assign(state, { status: 'FAILED', phase: 'DONE', completedAt: new Date().toISOString() });
  log.append('channel', `${state.channel}: failed after ${state.retries} failed attempt(s)`, {
    channel: state.channel,
    status: 'FAILED',
    errorMessage: state.errorMessage,
    retries: state.retries,
  });
}
