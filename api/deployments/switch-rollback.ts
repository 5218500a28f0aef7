// The two decisions on a running or completed deployment: switching traffic to green (approval),
// and rolling back (a stop before the switch, an undo of the current release after it). The gate's
// rules (workflows/deployment/decisions.ts) run on the snapshot first, so the answer is the same,
// in the same words, whether the workflow still runs or has closed.
import type { WorkflowHandle } from '@temporalio/client';
import { rollbackActorRefusal, type ApprovalPolicy } from '../../domain/approval-policy.js';
import type { Builder, DeploymentInput, DeploymentSnapshot, DeployTarget } from '../../domain/deployment.js';
import { ALREADY_SWITCHED, rollbackPlan, rollbackReasonRefusal, switchRefusal, undoRefusal } from '../../workflows/deployment/decisions.js';
import { rollbackUpdate, switchTrafficUpdate, type DecisionRequest, type SwitchOutcome } from '../../workflows/deployment/messages.js';
import type { AdmissionOutcome } from '../../workflows/service/messages.js';
import { canonicalServiceKey } from '../../workflows/service/service-key.js';
import { ApiError, DEPLOYMENT_ERROR } from '../errors.js';
import type { FreezeService } from '../freezes/freeze-service.js';
import type { BusinessMetrics } from '../metrics/business.js';
import { updateRefusal } from '../temporal-reads.js';
import { executeBounded, requestUpdateId, UpdateUndecided, type UpdateBound } from '../temporal-update.js';
import type { Requester } from './admission.js';
import type { DeployRequest } from './deploy-request-schemas.js';

/** What the decisions need of the deployment service. */
export interface DecisionDeps {
  handle(id: string): WorkflowHandle;
  /** The bound on each decision's update (TEMPORAL_UPDATE_TIMEOUT_SECONDS). */
  bound: UpdateBound;
  snapshot(id: string): Promise<DeploymentSnapshot>;
  describeInput(id: string): Promise<DeployRequest & { target: DeployTarget; builder: Builder }>;
  start(
    request: DeployRequest,
    requester: Requester,
    rollback: DeploymentInput['rollback'],
    deploymentId?: string,
  ): Promise<AdmissionOutcome>;
  policyFor(serviceKey: string): ApprovalPolicy;
  currentRelease(serviceKey: string): Promise<string | undefined>;
  freezes?: FreezeService | undefined;
  metrics?: BusinessMetrics | undefined;
  /** Told when a deployment changed: its event feeds poll at once. */
  changed(id: string): void;
}

/** Records an approval; traffic switches once the deployment's approval policy is met (the outcome says which). */
export async function switchTraffic(deps: DecisionDeps, id: string, request: DecisionRequest): Promise<SwitchOutcome> {
  // The Panda deploy API lists "Deployment not found" among the switch's 400s.
  const snapshot = await deps.snapshot(id).catch((error: unknown) => {
    if (error instanceof ApiError && error.status === 404)
      throw new ApiError(400, 'Deployment not found', { deploymentId: id }, DEPLOYMENT_ERROR);
    throw error;
  });
  const refusal = switchRefusal(snapshot);
  if (refusal) {
    const extras =
      refusal === ALREADY_SWITCHED ? { deploymentId: id } : { deploymentId: id, stage: snapshot.stage, deploymentStatus: snapshot.status };
    throw new ApiError(400, refusal, extras, DEPLOYMENT_ERROR);
  }
  // The freeze in force is a fact the workflow's validator weighs (only an admin's override passes it).
  const freeze = await deps.freezes?.covering(canonicalServiceKey(snapshot.cluster, snapshot.service));
  let outcome: SwitchOutcome;
  try {
    const frozen = freeze ? { frozen: { id: freeze.id, reason: freeze.reason, endsAt: freeze.endsAt } } : {};
    // Keyed by who approves which pause (the gate, a step): the same request again, after a 503
    // say, gets the first answer instead of being counted twice or refused as "already approved".
    const updateId = requestUpdateId('switch', request.by, snapshot.currentStep ?? 0);
    outcome = await executeBounded(deps.bound, deps.handle(id), switchTrafficUpdate, [{ ...request, ...frozen }], { updateId });
  } catch (error) {
    throw refused(id, error, 'Traffic switch is not possible: the deployment has ended', 'The approval may still be recorded');
  }
  deps.metrics?.approved(snapshot, outcome.activeService === 'green');
  deps.changed(id);
  return outcome;
}

/**
 * Before the switch: stop with auto-rollback (the workflow's validator judges who may). After
 * completion: undo the service's current release by redeploying the task definition it
 * replaced; only the current release, never a rollback (going back further is a deployment of
 * the older version, through the gate), and only by those the service's policy allows. Allowed
 * during a freeze, and recorded as such.
 */
export async function rollback(
  deps: DecisionDeps,
  id: string,
  request: DecisionRequest,
  rollbackDeploymentId?: string,
  options: { stopOnly?: boolean } = {},
): Promise<{ rollbackDeploymentId: string | null }> {
  const snapshot = await deps.snapshot(id);
  const plan = rollbackPlan(snapshot);
  // An emergency stop stops what is not yet switched; it never redeploys what completed meanwhile.
  if (options.stopOnly && plan.kind === 'redeploy-previous')
    throw new ApiError(
      400,
      `Deployment ${id} completed meanwhile: traffic is on green, nothing was stopped`,
      { deploymentId: id },
      DEPLOYMENT_ERROR,
    );
  if (plan.kind === 'refused') {
    // The Panda deploy API's extras: a completed deployment without a previous revision carries none.
    const extras = snapshot.status === 'COMPLETED' ? {} : { deploymentId: id, deploymentStatus: snapshot.status };
    throw new ApiError(400, plan.message, extras, DEPLOYMENT_ERROR);
  }
  if (plan.kind === 'redeploy-previous') {
    const serviceKey = canonicalServiceKey(snapshot.cluster, snapshot.service);
    await checkUndo(deps, snapshot, serviceKey, request);
    const started = await deps.describeInput(id);
    const freeze = await deps.freezes?.covering(serviceKey);
    const { deploymentId: rollbackId } = await deps.start(
      started,
      { by: request.by, ...(request.person ? { person: request.person } : {}) },
      {
        of: id,
        taskDefinitionArn: plan.taskDefinitionArn,
        via: request.via,
        ...(request.reason ? { reason: request.reason } : {}),
        ...(freeze ? { duringFreeze: freeze.id } : {}),
      },
      // A caller's own id (derived from a Slack request, say) makes a repeat answer the same rollback.
      ...(rollbackDeploymentId ? [rollbackDeploymentId] : []),
    );
    deps.metrics?.rolledBack('undo');
    return { rollbackDeploymentId: rollbackId };
  }
  try {
    await executeBounded(deps.bound, deps.handle(id), rollbackUpdate, [request], { updateId: requestUpdateId('rollback', request.by) });
  } catch (error) {
    throw refused(id, error, `Deployment ${id} has ended: nothing to roll back`, 'The stop may still take effect');
  }
  deps.metrics?.rolledBack('stop');
  deps.changed(id);
  return { rollbackDeploymentId: null };
}

/** Undoing a completed release: who may (the service's policy now), and that it is the current one. */
async function checkUndo(deps: DecisionDeps, snapshot: DeploymentSnapshot, serviceKey: string, request: DecisionRequest): Promise<void> {
  const id = snapshot.deploymentId;
  const policy = deps.policyFor(serviceKey);
  const notAllowed = rollbackActorRefusal(policy, serviceKey, request);
  if (notAllowed) throw new ApiError(403, notAllowed, { deploymentId: id }, DEPLOYMENT_ERROR);
  const noReason = rollbackReasonRefusal(policy, request, serviceKey);
  if (noReason) throw new ApiError(400, noReason, { deploymentId: id }, DEPLOYMENT_ERROR);
  const refusal = undoRefusal(snapshot, await deps.currentRelease(serviceKey), serviceKey);
  if (refusal)
    throw new ApiError(400, refusal.message, { deploymentId: id, currentDeploymentId: refusal.currentDeploymentId }, DEPLOYMENT_ERROR);
}

/**
 * An update the workflow refused (validator) is the client's 400 with the workflow's words. No
 * answer within the bound is a 503 that says the decision may still be made: the update is keyed
 * by the request, so asking again is safe.
 */
function refused(id: string, error: unknown, closedMessage: string, undecided: string): unknown {
  if (error instanceof UpdateUndecided) {
    const message =
      `No answer from deployment ${id} within ${error.seconds} s (is a worker running?). ${undecided}: ` +
      `read GET /api/v1/deploy/${id}/result before sending it again. Sent again while the deployment waits at the same pause, ` +
      `it is never applied twice; sent after the deployment has moved on, it decides the pause it is at then`;
    return new ApiError(503, message, { deploymentId: id }, DEPLOYMENT_ERROR);
  }
  // The approval policy not counting this person is theirs to hear as a 403; the rest are the Panda deploy API's 400s.
  const status = (type?: string) => (type === 'NotApproved' ? 403 : type === 'Frozen' ? 423 : 400);
  const answer = (message: string, type?: string) => new ApiError(status(type), message, { deploymentId: id }, DEPLOYMENT_ERROR);
  // The deployment was just read: "not found" now means its workflow has closed meanwhile.
  return updateRefusal(error, { refused: answer, closed: () => answer(closedMessage) });
}
