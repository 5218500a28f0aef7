// Messages of the deployment workflow, defined once for the workflow and its clients.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { EventsPage } from '../shared/event-log.js';
import type { Decision, DeploymentSnapshot } from './types.js';

export const deploymentSnapshotQuery = defineQuery<DeploymentSnapshot>('deploymentSnapshot');
export const deploymentEventsQuery = defineQuery<EventsPage, [afterSeq: number]>('deploymentEvents');

export type DecisionRequest = Pick<Decision, 'by' | 'via' | 'reason'>;

/** Validated switch: refused unless DEPLOYMENT_READY ("not ready … Current stage: N", "already switched"). */
export const switchTrafficUpdate = defineUpdate<{ activeService: 'green' }, [DecisionRequest]>('switchTraffic');
/** Validated rollback before the switch: stops the deployment with CodeDeploy's auto-rollback. */
export const rollbackUpdate = defineUpdate<{ status: string }, [DecisionRequest]>('rollback');

/** Fire-and-forget forms of the same decisions (Slack buttons, hooks): ignored when not applicable. */
export const switchSignal = defineSignal<[DecisionRequest]>('switch');
export const rollbackSignal = defineSignal<[DecisionRequest]>('rollback');

/** Progress reported by long-running activities (build run, CodeDeploy lifecycle), deduplicated by key. */
export interface ProgressReport {
  key: string;
  stage: number;
  message: string;
  details?: Record<string, unknown>;
}
/** Reports travel in batches: one signal (one history event) per poll, however many lifecycle events passed. */
export const progressSignal = defineSignal<[ProgressReport[]]>('progress');
