// Messages of the per-service admission workflow, defined once for the workflow and the API.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { DeploymentInput } from '../deployment/types.js';

/** What a deployment start carries to the admission workflow; ids only, no secrets. */
export interface AdmissionRequest {
  input: DeploymentInput;
  /** Shown in listings without a query. */
  memo: Record<string, string>;
}

export type AdmissionOutcome =
  /** This request's deployment is running now (or was already started by an identical request). */
  | { outcome: 'started'; deploymentId: string }
  /** Waiting behind `runningDeploymentId`; position 1 is next. */
  | { outcome: 'queued'; deploymentId: string; position: number; runningDeploymentId: string };

/** Refusal types of the admission update's validator (ApplicationFailure.type), with details [runningDeploymentId]. */
export const ADMISSION_REFUSALS = { busy: 'ServiceBusy', queueFull: 'DeploymentQueueFull' } as const;

/** A deployment that was to start now, refused because a freeze covers the service; details [freeze]. */
export const ADMISSION_FROZEN = 'DeploymentFrozen';

/**
 * Admit a deployment for this service: start it when the service is free, queue it when the
 * queue has room, refuse otherwise. The update id is the deployment id, so a repeated request
 * (an HTTP retry, a Slack retry at another replica) gets the first answer and starts nothing.
 */
export const admitDeploymentUpdate = defineUpdate<AdmissionOutcome, [AdmissionRequest]>('admitDeployment');

export interface ServiceDeploymentsState {
  serviceKey: string;
  running: string | null;
  queued: string[];
  /** The freeze holding the queue (nothing but rollbacks starts while it is in force). */
  heldBy?: string;
}

export const serviceDeploymentsQuery = defineQuery<ServiceDeploymentsState>('serviceDeployments');

/**
 * The running deployment has closed, as the API read it from Temporal: the admission goes on
 * without waiting for the child-completion notice (which a server restart can delay).
 */
export const deploymentClosedSignal = defineSignal<[{ deploymentId: string }]>('deploymentClosed');

/** A freeze was set or lifted: a queue held by a freeze looks again (its timer to the freeze's end bounds the wait otherwise). */
export const freezesChangedSignal = defineSignal('freezesChanged');
