// Messages of the distribution workflow, defined once for the workflow and its clients.
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { ChannelType } from '../../domain/channels.js';
import type { EventsPage } from '../shared/event-log.js';
import type { DistributionSnapshot, RetryOutcome } from './types.js';

export const distributionSnapshotQuery = defineQuery<DistributionSnapshot>('distributionSnapshot');
export const distributionEventsQuery = defineQuery<EventsPage, [afterSeq: number]>('distributionEvents');

/** Re-runs the named failed channels; resolves when they settle. Rejected (validator) when one did not fail. */
export const retryChannelsUpdate = defineUpdate<RetryOutcome, [{ channels: ChannelType[]; requestedBy: string }]>('retryChannels');

/** Cancels the channels still waiting for their scheduled time. Rejected when none is waiting. */
export const cancelScheduledUpdate = defineUpdate<{ cancelled: ChannelType[] }, [{ requestedBy: string }]>('cancelScheduledChannels');
