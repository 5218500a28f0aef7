// One workflow per event (id `dist-<eventId>`): every channel in parallel, each with its own
// schedule and retries; then the completion webhook; then open for a retry window so status and
// retries work on this one workflow id. Retries grow the history, so at a settle where the history
// has grown long the workflow continues as new, carrying its state (channels, event log, settle
// count, the window's end) into a small new run.
import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  log as workflowLog,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../../activities/index.js';
import type { ChannelType } from '../../domain/channels.js';
import { DistributionEventId, SwitchyardKind, SwitchyardStatus } from '../../common/search-attributes.js';
import { EventLog } from '../shared/event-log.js';
import { publishWithRetries, waitForSchedule, type ChannelRunContext } from './channel-run.js';
import { cancelScheduledUpdate, distributionEventsQuery, distributionSnapshotQuery, retryChannelsUpdate } from './messages.js';
import {
  isSettled,
  overallStatusOf,
  settledStatusOf,
  type ChannelRequest,
  type ChannelState,
  type DistributionContinuation,
  type DistributionInput,
  type DistributionSnapshot,
} from './types.js';

const WEBHOOK_OPTIONS = {
  startToCloseTimeout: '30 seconds',
  retry: { maximumAttempts: 5, initialInterval: '2 seconds', backoffCoefficient: 2 },
} as const;
const { notifyDistributionWebhook } = proxyActivities<Activities>(WEBHOOK_OPTIONS);
// Newer runs send it as a local activity: one short POST (a no-op when no URL is configured) that
// needs no task queue round trip of its own, run while the settle's workflow task is open.
const { notifyDistributionWebhook: notifyWebhookLocally } = proxyLocalActivities<Activities>(WEBHOOK_OPTIONS);

type RunState = ChannelState & { cancelRequested?: boolean };

/** History length at which a settled distribution continues as new, unless its input says otherwise. */
export const CONTINUE_AS_NEW_AFTER_EVENTS = 500;
/** Marks the runs that may continue as new: older histories replay without it. */
const CONTINUE_AS_NEW_PATCH = 'distribution-continue-as-new';
/**
 * Marks the runs that publish a partner channel in one activity per attempt, send the webhook as
 * a local activity and count the retry window from the settle. One patch for all three, read once
 * at the start: each patch the SDK sees also costs a search-attribute upsert (TemporalChangeVersion),
 * and older runs keep the older path whole.
 */
const LEAN_PUBLISH_PATCH = 'distribution-lean-publish';

/** `continued` is what the previous run of the same distribution carried over; absent on the first run. */
export async function distributionWorkflow(input: DistributionInput, continued?: DistributionContinuation): Promise<DistributionSnapshot> {
  const lean = patched(LEAN_PUBLISH_PATCH);
  const log = new EventLog(continued?.events);
  const startedAt = continued?.startedAt ?? new Date().toISOString();
  const requests = new Map<ChannelType, ChannelRequest>(input.channels.map((c) => [c.type, c]));
  const channels: RunState[] = continued
    ? continued.channels.map((c) => ({ ...c }))
    : input.channels.map((c) => ({
        channel: c.type,
        status: 'PENDING',
        phase: 'PREPARING',
        retries: 0,
        ...(typeof c.config.scheduledTime === 'string' ? { scheduledTime: c.config.scheduledTime } : {}),
      }));
  const byChannel = new Map(channels.map((c) => [c.channel, c]));
  let activityCalls = 0;
  const context: ChannelRunContext = {
    input,
    log,
    oneActivityAttempts: lean,
    nextActivityId: (channel, kind) => `${channel}/${kind}/${++activityCalls}`,
  };
  let completedAt = continued?.completedAt;
  let retryWindowEndsAt = continued?.retryWindowEndsAt;
  let activeRuns = 0;
  /** Channel runs ever started in this run: tells whether a retry happened since the last settle. */
  let runsStarted = 0;
  let settleCount = continued?.settleCount ?? 0;

  const publicState = (c: RunState): ChannelState => {
    const { cancelRequested: _ignored, ...rest } = c;
    return rest;
  };
  const snapshot = (): DistributionSnapshot => ({
    distributionId: workflowInfo().workflowId,
    eventId: input.eventId,
    overallStatus: overallStatusOf(channels),
    startedAt,
    ...(completedAt ? { completedAt } : {}),
    channels: channels.map(publicState),
    eventCount: log.count,
    ...(retryWindowEndsAt ? { retryWindowEndsAt } : {}),
  });

  async function run(channel: RunState, scheduled: boolean): Promise<void> {
    activeRuns += 1;
    runsStarted += 1;
    completedAt = undefined;
    try {
      if (scheduled && !(await waitForSchedule(channel, context))) return;
      await publishWithRetries(channel, requests.get(channel.channel)!, context);
    } finally {
      activeRuns -= 1;
    }
  }

  setHandler(distributionSnapshotQuery, snapshot);
  setHandler(distributionEventsQuery, (afterSeq) => log.since(afterSeq));
  setHandler(
    retryChannelsUpdate,
    async ({ channels: names, requestedBy }) => {
      const retriedAt = new Date().toISOString();
      const targets = names.map((name) => byChannel.get(name)!);
      log.append('retry', `Retry of ${names.join(', ')} requested by ${requestedBy}`, { channels: names, requestedBy });
      log.terminal = false;
      await Promise.all(targets.map((channel) => run(channel, false)));
      return { eventId: input.eventId, retryStatus: settledStatusOf(targets), retriedAt, channels: targets.map(publicState) };
    },
    {
      validator: ({ channels: names }) => {
        if (names.length === 0) throw ApplicationFailure.nonRetryable('At least one channel must be named', 'InvalidRetry');
        for (const name of names) {
          const channel = byChannel.get(name);
          if (!channel) throw ApplicationFailure.nonRetryable(`Channel ${name} is not part of this distribution`, 'InvalidRetry');
          if (channel.status !== 'FAILED')
            throw ApplicationFailure.nonRetryable(`Channel ${name} did not fail (status ${channel.status})`, 'InvalidRetry');
        }
      },
    },
  );
  setHandler(
    cancelScheduledUpdate,
    ({ requestedBy }) => {
      const waiting = channels.filter((c) => c.phase === 'SCHEDULED' && c.status === 'PENDING' && !c.cancelRequested);
      for (const channel of waiting) channel.cancelRequested = true;
      log.append('cancel', `Cancel of scheduled channels requested by ${requestedBy}`, {
        channels: waiting.map((c) => c.channel),
        requestedBy,
      });
      return { cancelled: waiting.map((c) => c.channel) };
    },
    {
      validator: (_request) => {
        if (!channels.some((c) => c.phase === 'SCHEDULED' && c.status === 'PENDING' && !c.cancelRequested)) {
          throw ApplicationFailure.nonRetryable('No channel of this distribution is waiting for its scheduled time', 'NothingToCancel');
        }
      },
    },
  );

  upsertSearchAttributes([
    { key: SwitchyardKind, value: 'distribution' },
    { key: DistributionEventId, value: input.eventId },
    { key: SwitchyardStatus, value: continued ? overallStatusOf(channels) : 'IN_PROGRESS' },
  ]);
  if (!continued) {
    log.append('started', `Distribution of ${input.eventId} to ${channels.length} channel(s) started by ${input.requestedBy}`, {
      channels: channels.map((c) => c.channel),
    });
    await Promise.all(channels.map((channel) => run(channel, true)));
  }

  let settledAt = 0;
  // A continued run starts settled, inside the window its previous run opened.
  let windowMs = continued ? Math.max(1, Date.parse(continued.retryWindowEndsAt) - Date.now()) : undefined;
  for (;;) {
    if (windowMs === undefined) {
      // Settle only when nothing runs (a retry may have started before the first runs ended), and
      // settle again whenever a run started since the last settle, even one that already ended.
      await condition(() => activeRuns === 0 && channels.every(isSettled));
      settledAt = runsStarted;
      const settledAtMs = Date.now();
      await settle();
      if (runsStarted !== settledAt) continue;
      // Open for retries until the window passes with no retry; each retry restarts the window.
      // Newer runs count it from the settle (as the design says), not from the webhook's answer, so
      // a window that passed meanwhile closes the run in this task, with no timer's round trip.
      retryWindowEndsAt = new Date((lean ? settledAtMs : Date.now()) + input.retryWindowMs).toISOString();
      if (lean && Date.parse(retryWindowEndsAt) <= Date.now()) break;
      if (historyHasGrown() && patched(CONTINUE_AS_NEW_PATCH)) {
        // Only with no update in flight: its caller waits for this run's answer.
        await condition(allHandlersFinished);
        if (runsStarted === settledAt) return await continueAsNew<typeof distributionWorkflow>(input, carriedState(retryWindowEndsAt));
        continue; // a retry came in meanwhile: settle it first
      }
      windowMs = lean ? Date.parse(retryWindowEndsAt) - Date.now() : input.retryWindowMs;
    }
    const retried = await condition(() => runsStarted !== settledAt, windowMs);
    windowMs = undefined;
    if (!retried) break;
    upsertSearchAttributes([{ key: SwitchyardStatus, value: 'IN_PROGRESS' }]);
  }
  await condition(allHandlersFinished);
  return snapshot();

  function historyHasGrown(): boolean {
    const info = workflowInfo();
    return info.historyLength >= (input.continueAsNewAfterEvents ?? CONTINUE_AS_NEW_AFTER_EVENTS) || info.continueAsNewSuggested;
  }

  function carriedState(windowEndsAt: string): DistributionContinuation {
    return {
      startedAt,
      ...(completedAt ? { completedAt } : {}),
      channels: channels.map(publicState),
      events: log.state(),
      settleCount,
      retryWindowEndsAt: windowEndsAt,
    };
  }

  async function settle(): Promise<void> {
    completedAt = new Date().toISOString();
    const status = overallStatusOf(channels);
    upsertSearchAttributes([{ key: SwitchyardStatus, value: status }]);
    log.append(status === 'COMPLETED' ? 'success' : 'fail', `Distribution ${status}`, { overallStatus: status });
    log.terminal = true;
    settleCount += 1;
    try {
      const notify = lean ? notifyWebhookLocally : notifyDistributionWebhook;
      const delivery = await notify(`${workflowInfo().workflowId}/settled-${settleCount}`, {
        ...snapshot(),
        type: 'distribution.settled',
      });
      if (delivery.delivered) log.append('webhook', 'Completion webhook delivered', { status: delivery.status });
    } catch (error) {
      // The webhook never fails the distribution; the failure is recorded for people to see.
      workflowLog.warn('completion webhook failed', { error: String(error) });
      log.append('webhook', 'Completion webhook failed after retries', {});
    }
  }
}
