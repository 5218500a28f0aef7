// Admission: the deploy request, checked and resolved, sent to its service's admission workflow
// (update-with-start), so "one deployment per service" holds across every API replica. Refusals
// become the route's 409/423/400; a closed deployment still holding its service is released.
import { WorkflowUpdateRPCTimeoutOrCancelledError, type Client } from '@temporalio/client';
import type { Freeze } from '../../domain/freeze.js';
import {
  ADMISSION_FROZEN,
  ADMISSION_REFUSALS,
  deploymentClosedSignal,
  type AdmissionOutcome,
  type AdmissionRequest,
} from '../../workflows/service/messages.js';
import { serviceWorkflowId } from '../../workflows/service/service-key.js';
import { ApiError, DEPLOYMENT_ERROR, grpcServiceError } from '../errors.js';
import type { BusinessMetrics } from '../metrics/business.js';
import { updateProblem } from '../temporal-reads.js';
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
  /** The whole admission's bound, retries included: Temporal's own update poll never gives up. */
  timeoutMs: number;
  metrics?: BusinessMetrics | undefined;
}

/**
 * The admission workflow closes when idle; an update that reaches it just as it closes is answered
 * "completed", and the next attempt starts a fresh run.
 */
export async function admit(deps: AdmissionDeps, admission: AdmissionRequest, serviceKey: string): Promise<AdmissionOutcome> {
  const { deploymentId } = admission.input;
  const deadline = Date.now() + deps.timeoutMs;
  for (let attempt = 1; ; attempt += 1) {
    try {
      const outcome = await deps.client.connection.withDeadline(deadline, () =>
        sendAdmission(deps.client, admission, serviceKey, deps.taskQueue, deps.queueCapacity),
      );
      deps.metrics?.admitted(serviceKey, outcome);
      return outcome;
    } catch (error) {
      const problem = updateProblem(error);
      if (problem?.kind === 'refused') {
        const running = String(problem.details[0] ?? '');
        // A deployment that has closed but still holds its service (the admission workflow has
        // not heard yet, say after a Temporal restart): tell it, and ask again.
        if (problem.type === ADMISSION_REFUSALS.busy && attempt < 3 && (await releaseIfClosed(deps.client, serviceKey, running))) continue;
        if (problem.type === ADMISSION_REFUSALS.busy || problem.type === ADMISSION_REFUSALS.queueFull)
          throw conflict(problem.message, running);
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
      if (Date.now() >= deadline && timedOut(error)) throw undecided(deploymentId, deps.timeoutMs);
      if (attempt < 3 && admissionRaced(error)) continue;
      // Turned away before it ran (busy, or the admission run closing under it): the update is keyed
      // by the deployment id, so asking again within the bound is safe.
      if (turnedAway(error) && Date.now() + BACKOFF_MS * attempt < deadline) {
        await new Promise((resolve) => setTimeout(resolve, BACKOFF_MS * attempt));
        continue;
      }
      throw error;
    }
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
function undecided(deploymentId: string, timeoutMs: number): ApiError {
  return new ApiError(
    503,
    `No answer from the deployment's admission within ${Math.round(timeoutMs / 1000)} s (is a worker running?). ` +
      `${deploymentId} may still start: read GET /api/v1/deploy/${deploymentId}/result before asking again`,
    { deploymentId },
    DEPLOYMENT_ERROR,
  );
}

const BACKOFF_MS = 250;
const grpcCode = (e: unknown) => grpcServiceError(e)?.code;

/** RESOURCE_EXHAUSTED (a rate limit, or the run's in-flight update limit) or UNAVAILABLE (the update aborted as the run closed). */
function turnedAway(error: unknown): boolean {
  const code = grpcCode(error);
  // Only this UNAVAILABLE: a Temporal that cannot be reached still answers 503 at once.
  return code === 8 || (code === 14 && /update was aborted/i.test(error instanceof Error ? `${error.message} ${String(error.cause)}` : ''));
}

function timedOut(error: unknown): boolean {
  return error instanceof WorkflowUpdateRPCTimeoutOrCancelledError || grpcCode(error) === 4;
}

/** The admission workflow closed between the start and the update: safe to ask again. */
function admissionRaced(error: unknown): boolean {
  if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return true;
  return /workflow execution (is )?already completed|workflow execution not found/i.test(error instanceof Error ? error.message : '');
}
