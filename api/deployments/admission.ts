// Admission: the deploy request, checked and resolved, sent to its service's admission workflow
// (update-with-start), so "one deployment per service" holds across every API replica. Refusals
// become the route's 409/423/400; a closed deployment still holding its service is released.
import type { Client } from '@temporalio/client';
import type { Freeze } from '../../domain/freeze.js';
import {
  ADMISSION_FROZEN,
  ADMISSION_REFUSALS,
  deploymentClosedSignal,
  type AdmissionOutcome,
  type AdmissionRequest,
} from '../../workflows/service/messages.js';
import { serviceWorkflowId } from '../../workflows/service/service-key.js';
import { ApiError, DEPLOYMENT_ERROR } from '../errors.js';
import type { BusinessMetrics } from '../metrics/business.js';
import { updateProblem } from '../temporal-reads.js';
import { boundedUpdate, UpdateUndecided } from '../temporal-update.js';
import { sendAdmission } from './admission-update.js';

/** Who starts a deployment: the name it is recorded under, and the person behind it when known. */
export interface Requester {
  by: string;
  person?: string | undefined;
}

export interface AdmissionDeps {
  client: Client;
  taskQueue: string;
  /** Deployments that may wait behind a service's running one; 0 refuses with 409. */
  queueCapacity: number;
  /** TEMPORAL_UPDATE_TIMEOUT_SECONDS: the whole admission's bound, retries included (api/temporal-update.ts). */
  timeoutMs: number;
  metrics?: BusinessMetrics | undefined;
}

/**
 * The admission workflow closes when idle; an update that reaches it just as it closes is answered
 * "completed", and the next attempt starts a fresh run. The deployment id is the update id
 * (sendAdmission), so every attempt, and a client's repeat, asks for the same admission.
 */
export async function admit(deps: AdmissionDeps, admission: AdmissionRequest, serviceKey: string): Promise<AdmissionOutcome> {
  const { deploymentId } = admission.input;
  const again = async (error: unknown): Promise<boolean> => {
    const problem = updateProblem(error);
    // A deployment that has closed but still holds its service (the admission workflow has not
    // heard yet, say after a Temporal restart): tell it, and ask again.
    if (problem?.kind === 'refused')
      return problem.type === ADMISSION_REFUSALS.busy && releaseIfClosed(deps.client, serviceKey, String(problem.details[0] ?? ''));
    return admissionRaced(error);
  };
  try {
    const outcome = await boundedUpdate(
      { client: deps.client, timeoutMs: deps.timeoutMs },
      () => sendAdmission(deps.client, admission, serviceKey, deps.taskQueue, deps.queueCapacity),
      { updateId: deploymentId, again },
    );
    deps.metrics?.admitted(serviceKey, outcome);
    return outcome;
  } catch (error) {
    if (error instanceof UpdateUndecided) throw undecided(deploymentId, error.seconds);
    const problem = updateProblem(error);
    if (problem?.kind !== 'refused') throw error;
    const running = String(problem.details[0] ?? '');
    if (problem.type === ADMISSION_REFUSALS.busy || problem.type === ADMISSION_REFUSALS.queueFull) throw conflict(problem.message, running);
    if (problem.type === ADMISSION_FROZEN) {
      const freeze = problem.details[0] as Freeze | undefined;
      throw new ApiError(
        423,
        problem.message,
        { ...(freeze ? { freezeId: freeze.id, frozenUntil: freeze.endsAt } : {}) },
        DEPLOYMENT_ERROR,
      );
    }
    throw new ApiError(400, problem.message, { deploymentId }, DEPLOYMENT_ERROR);
  }
}

/** True when `deploymentId` has closed: its service's admission workflow is then told so. */
async function releaseIfClosed(client: Client, serviceKey: string, deploymentId: string): Promise<boolean> {
  if (!deploymentId) return false;
  const description = await client.workflow
    .getHandle(deploymentId)
    .describe()
    .catch(() => undefined);
  if (!description || description.status.name === 'RUNNING') return false;
  await client.workflow.getHandle(serviceWorkflowId(serviceKey)).signal(deploymentClosedSignal, { deploymentId });
  // The signal is handled in the admission workflow's next task; the retried update queues behind it.
  return true;
}

function conflict(message: string, running: string): ApiError {
  return new ApiError(409, message, { deploymentId: running, runningDeploymentId: running }, DEPLOYMENT_ERROR);
}

/**
 * No answer in time (no worker polling, one overloaded): the update is keyed by the deployment id,
 * so it may still be admitted later. Not "nothing was changed": the caller is told which id to read.
 */
function undecided(deploymentId: string, seconds: number): ApiError {
  return new ApiError(
    503,
    `No answer from the deployment's admission within ${seconds} s (is a worker running?). ` +
      `${deploymentId} may still start: read GET /api/v1/deploy/${deploymentId}/result before asking again`,
    { deploymentId },
    DEPLOYMENT_ERROR,
  );
}

/** The admission workflow closed between the start and the update: safe to ask again. */
function admissionRaced(error: unknown): boolean {
  return /workflow execution (is )?already completed|workflow execution not found/i.test(error instanceof Error ? error.message : '');
}
