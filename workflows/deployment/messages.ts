// Messages of the deployment workflow, defined once for the workflow and its clients.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Approval, Approver } from '../../domain/approval-policy.js';
import type { EventsPage } from '../shared/event-log.js';
import type { Decision, DeploymentSnapshot } from './types.js';

export const deploymentSnapshotQuery = defineQuery<DeploymentSnapshot>('deploymentSnapshot');
export const deploymentEventsQuery = defineQuery<EventsPage, [afterSeq: number]>('deploymentEvents');

/** A decision as the API authenticated its maker (role, Slack user and groups: what the approval policy looks at). */
export type DecisionRequest = Pick<Decision, 'by' | 'via' | 'reason'> &
  Pick<Approver, 'role' | 'slackUserId' | 'slackGroups' | 'person'> & {
    /** The freeze in force over this service, as the API found it: a switch then needs an admin's override. */
    frozen?: { id: string; reason: string; endsAt: string };
    /** An admin switches despite the freeze (recorded with the approval). */
    override?: boolean;
  };

/**
 * An approval of the switch. Refused unless DEPLOYMENT_READY ("not ready … Current stage: N",
 * "already switched") or when the approval policy does not count this approver; traffic switches
 * once the policy's approvals are met (`activeService` green), until then it stays blue.
 */
export const switchTrafficUpdate = defineUpdate<SwitchOutcome, [DecisionRequest]>('switchTraffic');

export interface SwitchOutcome {
  activeService: 'green' | 'blue';
  approvals?: Approval[];
  approvalsRequired?: number;
}
/** Validated rollback before the switch: stops the deployment with CodeDeploy's auto-rollback. */
export const rollbackUpdate = defineUpdate<{ status: string }, [DecisionRequest]>('rollback');

/** A newer deployment of the service supersedes this one (its service's policy says so): rolled back at the gate. */
export const supersededSignal = defineSignal<[{ by: string }]>('superseded');

/** Progress reported by long-running activities, deduplicated by key: facts only; the workflow words them. */
interface ProgressFacts {
  key: string;
  stage: number;
}

/** The GitHub Actions build run is running. */
export interface BuildRunningReport extends ProgressFacts {
  kind: 'build_running';
  details: { buildUrl: string; runId: number };
}

/** A CodeDeploy lifecycle event succeeded. */
export interface LifecycleEventReport extends ProgressFacts {
  kind: 'lifecycle_event';
  details: { lifecycleEvent: string; status: string; taskSets: unknown[] };
}

/** The earlier form, in recorded histories and from workers not yet upgraded: the activity wrote the text. */
export interface WordedProgressReport extends ProgressFacts {
  kind?: undefined;
  message: string;
  details?: Record<string, unknown>;
}

export type ProgressReport = BuildRunningReport | LifecycleEventReport | WordedProgressReport;
/** Reports travel in batches: one signal (one history event) per poll, however many lifecycle events passed. */
export const progressSignal = defineSignal<[ProgressReport[]]>('progress');
