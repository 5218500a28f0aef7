// The watched hold's latest windows, decoded from its activity's heartbeat details (no query, no
// history): what a deployment's result shows while the gate is open, and what Slack shows at a step.
import type { WorkflowExecutionDescription } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { WatchHeartbeat, WatchWindow } from '../../domain/deployment.js';

/** Empty when nothing watches (no description, no watchGreen activity, no heartbeat yet). */
export function watchWindowsOf(description: WorkflowExecutionDescription | undefined): WatchWindow[] {
  const watch = description?.raw.pendingActivities?.find((a) => a.activityType?.name === 'watchGreen');
  const payload = watch?.heartbeatDetails?.payloads?.[0];
  if (!payload) return [];
  return defaultPayloadConverter.fromPayload<WatchHeartbeat>(payload)?.windows ?? [];
}
