// Everything the distribution routes ask of Temporal: start (idempotent per event), read state,
// retry, cancel. Reads fall back to the workflow's result once it has closed.
import { WorkflowExecutionAlreadyStartedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { ChannelType } from '../../domain/channels.js';
import { DistributionEventId, SwitchyardKind, SwitchyardStatus } from '../../common/search-attributes.js';
import type { EventsPage } from '../../workflows/shared/event-log.js';
import {
  cancelScheduledUpdate,
  distributionEventsQuery,
  distributionSnapshotQuery,
  retryChannelsUpdate,
} from '../../workflows/distribution/messages.js';
import {
  distributionWorkflowId,
  type DistributionInput,
  type DistributionSnapshot,
  type OverallStatus,
  type RetryOutcome,
} from '../../workflows/distribution/types.js';
import { SETTLED_STATUSES } from '../../domain/distribution.js';
import { distributionDetails, distributionSummary } from '../../domain/run-summaries.js';
import { distributionWorkflow } from '../../workflows/distribution/workflow.js';
import { ApiError } from '../errors.js';
import { historyChanges, queryWithDeadline, readWorkflowState } from '../temporal-reads.js';
import { executeBounded, UpdateUndecided, type UpdateBound } from '../temporal-update.js';
import { notFound, rejected, stillRunning } from './update-answers.js';
import type { EventsFetcher } from '../streams/event-feed.js';
import type { DistributionRequest } from './schemas.js';
import type { BusinessMetrics } from '../metrics/business.js';

export interface DistributionSettings {
  taskQueue: string;
  retryWindowMs: number;
  retryBackoffMs: number;
  /** How long POST /distribute waits for every channel to settle before answering 202. */
  syncWaitMs: number;
  /** History length at which a settled distribution continues as new (the workflow's default when absent). */
  continueAsNewAfterEvents?: number;
  /** TEMPORAL_UPDATE_TIMEOUT_SECONDS: how long a retry or a cancel waits for the workflow's answer. */
  updateTimeoutMs: number;
}

const SETTLED: ReadonlySet<OverallStatus> = new Set(SETTLED_STATUSES);
/** Between reads of a settling distribution when the history long poll is not available. */
const WAIT_POLL_MS = 200;

export class DistributionService {
  /** Business metrics, when the app exports them (api/metrics/business.ts). */
  metrics?: BusinessMetrics;

  constructor(
    private readonly client: Client,
    private readonly settings: DistributionSettings,
    /** Told when this service changed a distribution (retry, cancel): its event feeds poll at once. */
    private readonly changed: (eventId: string) => void = () => undefined,
  ) {}

  private handle(eventId: string): WorkflowHandle {
    return this.client.workflow.getHandle(distributionWorkflowId(eventId));
  }

  private get bound(): UpdateBound {
    return { client: this.client, timeoutMs: this.settings.updateTimeoutMs };
  }

  /** Starts the event's distribution, or joins the one already open for it. */
  async distribute(request: DistributionRequest, requestedBy: string): Promise<{ snapshot: DistributionSnapshot; settled: boolean }> {
    const input: DistributionInput = {
      eventId: request.eventId,
      channels: request.channels.map((c) => ({ type: c.type, config: c.config ?? {} })),
      contentUrls: request.contentUrls,
      retryWindowMs: this.settings.retryWindowMs,
      retryBackoffMs: this.settings.retryBackoffMs,
      requestedBy,
      ...(this.settings.continueAsNewAfterEvents ? { continueAsNewAfterEvents: this.settings.continueAsNewAfterEvents } : {}),
    };
    let created = false;
    try {
      await this.client.workflow.start(distributionWorkflow, {
        workflowId: distributionWorkflowId(request.eventId),
        taskQueue: this.settings.taskQueue,
        args: [input],
        // FAIL rather than USE_EXISTING: the start then says whether it created the workflow, and
        // one it created needs no query to be answered (every channel PENDING, as it starts).
        workflowIdConflictPolicy: 'FAIL',
        // What the Temporal UI shows for `dist-…`: the event, its channels, who asked.
        staticSummary: distributionSummary(input),
        staticDetails: distributionDetails(input),
        typedSearchAttributes: [
          { key: SwitchyardKind, value: 'distribution' },
          { key: DistributionEventId, value: request.eventId },
          { key: SwitchyardStatus, value: 'PENDING' },
        ],
      });
      created = true;
      this.metrics?.distributionStarted();
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
    // Not waiting for settled channels: answer at Temporal's speed, with no worker round trip.
    if (created && this.settings.syncWaitMs === 0) return { snapshot: acceptedSnapshot(input), settled: false };
    const deadline = Date.now() + this.settings.syncWaitMs;
    // Between reads, Temporal's history long poll says when the workflow has moved (a workflow
    // task completed), so the answer leaves as soon as the channels settle, not up to a poll
    // interval later; without the long poll (an error), a short timer.
    const changes = historyChanges(this.client, distributionWorkflowId(request.eventId));
    const changed = (): Promise<unknown> =>
      changes(AbortSignal.timeout(Math.max(1, deadline - Date.now()))).catch(() =>
        Date.now() < deadline ? new Promise((resolve) => setTimeout(resolve, WAIT_POLL_MS)) : undefined,
      );
    for (;;) {
      let snapshot: DistributionSnapshot;
      try {
        snapshot = await this.snapshot(request.eventId);
      } catch (error) {
        // Started (Temporal has it), but no worker answered the query in time: a busy worker slows
        // the answer, it never turns an accepted distribution into an error. 202, as it stands at start.
        if (error instanceof ApiError && error.status === 503) return { snapshot: acceptedSnapshot(input), settled: false };
        throw error;
      }
      const settled = SETTLED.has(snapshot.overallStatus);
      // Channels waiting for a scheduled time will not settle within any short wait.
      const onlyScheduledLeft = snapshot.channels.every(
        (c) => c.status !== 'IN_PROGRESS' && (c.status !== 'PENDING' || c.phase === 'SCHEDULED'),
      );
      if (settled || onlyScheduledLeft || Date.now() >= deadline) return { snapshot, settled };
      await changed();
    }
  }

  /** The distribution's state: live from the workflow, or its result once closed (no worker needed). */
  async snapshot(eventId: string): Promise<DistributionSnapshot> {
    const snapshot = await readWorkflowState(this.client, this.handle(eventId), distributionSnapshotQuery, {
      notFound: () => notFound(eventId),
      unavailable: () =>
        new ApiError(
          503,
          `The state of ${eventId} cannot be read right now: no worker answered (the distribution itself is safe and resumes when a worker is back)`,
        ),
    });
    this.metrics?.distributionRead(snapshot);
    return snapshot;
  }

  /** The distribution's events for a shared feed, with the history long poll as its change hint. */
  eventFeed(eventId: string): EventsFetcher {
    return Object.assign((afterSeq: number) => this.events(eventId, afterSeq), {
      changes: historyChanges(this.client, distributionWorkflowId(eventId)),
    });
  }

  events(eventId: string, afterSeq: number): Promise<EventsPage> {
    return queryWithDeadline(this.client, this.handle(eventId), () => notFound(eventId), distributionEventsQuery, afterSeq);
  }

  /** Live progress of in-flight publishes, from their heartbeats (percent by channel). */
  async heartbeatProgress(eventId: string): Promise<Map<string, number>> {
    const progress = new Map<string, number>();
    const description = await this.handle(eventId).describe();
    for (const activity of description.raw.pendingActivities ?? []) {
      const channel = activity.activityId?.split('/')[0];
      const payload = activity.heartbeatDetails?.payloads?.[0];
      if (!channel || !payload) continue;
      const details = defaultPayloadConverter.fromPayload<{ progress?: number }>(payload);
      if (typeof details?.progress === 'number') progress.set(channel, details.progress);
    }
    return progress;
  }

  async retry(eventId: string, channels: ChannelType[], requestedBy: string): Promise<RetryOutcome> {
    await this.snapshot(eventId); // 404 for an unknown event, before anything else
    let accepted = false;
    try {
      // Accepted first, so the event feeds hear of the retry while it runs, not only when it ends.
      return await executeBounded(this.bound, this.handle(eventId), retryChannelsUpdate, [{ channels, requestedBy }], {
        onAccepted: () => {
          accepted = true;
          this.changed(eventId);
        },
      });
    } catch (error) {
      if (accepted && error instanceof UpdateUndecided) throw stillRunning(eventId, error);
      throw rejected(eventId, error, 'The retry may still run');
    }
  }

  /** Recent distributions from Temporal visibility, newest first. */
  async list(
    limit: number,
  ): Promise<{ eventId: string; distributionId: string; status: string; startedAt: string; closedAt: string | null }[]> {
    const items = [];
    for await (const execution of this.client.workflow.list({ query: `SwitchyardKind = 'distribution'`, pageSize: limit })) {
      items.push({
        eventId: execution.typedSearchAttributes.get(DistributionEventId) ?? execution.workflowId.replace(/^dist-/, ''),
        distributionId: execution.workflowId,
        status: execution.typedSearchAttributes.get(SwitchyardStatus) ?? execution.status.name,
        startedAt: execution.startTime.toISOString(),
        closedAt: execution.closeTime?.toISOString() ?? null,
      });
      if (items.length >= limit) break;
    }
    return items;
  }

  async cancelScheduled(eventId: string, requestedBy: string): Promise<ChannelType[]> {
    await this.snapshot(eventId);
    try {
      const { cancelled } = await executeBounded(this.bound, this.handle(eventId), cancelScheduledUpdate, [{ requestedBy }]);
      this.changed(eventId);
      return cancelled;
    } catch (error) {
      throw rejected(eventId, error, 'The cancel may still take effect');
    }
  }
}

/** What a just-started distribution looks like before its workflow has run (every channel PENDING). */
function acceptedSnapshot(input: DistributionInput): DistributionSnapshot {
  return {
    distributionId: distributionWorkflowId(input.eventId),
    eventId: input.eventId,
    overallStatus: 'PENDING',
    startedAt: new Date().toISOString(),
    channels: input.channels.map((c) => ({
      channel: c.type,
      status: 'PENDING',
      phase: 'PREPARING',
      retries: 0,
      ...(typeof c.config.scheduledTime === 'string' ? { scheduledTime: c.config.scheduledTime } : {}),
    })),
    eventCount: 0,
  };
}

/** What the routes use of DistributionService (its public members), for a typed fake in the unit tier. */
export type DistributionOperations = Pick<DistributionService, keyof DistributionService>;
