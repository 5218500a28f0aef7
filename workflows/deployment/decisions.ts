// The rules for a person's decision at the gate, stated once. The deployment workflow's update
// validators enforce them (the final word, race-free); the API applies the same rules to a
// snapshot first, so that a deployment whose workflow has closed gets the same answer, worded
// the same, as one that is still running. Pure functions: no Temporal API, safe in workflows.
import type { ApprovalPolicy } from '../../domain/approval-policy.js';
import type { Decision, DeploymentSnapshot } from './types.js';

/** What the rules look at: a snapshot, plus what only the running workflow knows. */
export type GateView = Pick<DeploymentSnapshot, 'deploymentId' | 'status' | 'stage' | 'finalService' | 'previousTaskDefinitionArn'> &
  Partial<Pick<DeploymentSnapshot, 'steps' | 'currentStep' | 'trafficWeight'>> & {
    /** A decision taken but not yet acted on (the workflow's own state; a snapshot may lag it). */
    pending?: Decision['action'] | undefined;
  };

export const ALREADY_SWITCHED = 'Traffic has already been switched to green';

/** Why traffic cannot be switched now, in the Panda deploy API's words; undefined when it can. */
export function switchRefusal(view: GateView): string | undefined {
  // A progressive release between pauses: traffic is moving, there is no pause to approve.
  if (walking(view) && view.status === 'SWITCHING' && view.pending === undefined) {
    return `Traffic is shifting to green (step ${view.currentStep ?? 0} of ${view.steps!.length}, ${view.trafficWeight ?? 0} %): there is no pause to approve now`;
  }
  if (view.finalService === 'green' || view.status === 'SWITCHING' || view.status === 'COMPLETED' || view.pending === 'switch')
    return ALREADY_SWITCHED;
  if (view.status !== 'DEPLOYMENT_READY' || view.pending !== undefined) {
    return `Deployment is not ready for traffic switch. Current stage: ${view.stage}`;
  }
  return undefined;
}

/** A progressive release that has not put all traffic on green yet. */
function walking(view: GateView): boolean {
  return view.steps !== undefined && view.finalService !== 'green';
}

/**
 * What a rollback of this deployment means now:
 * - `stop`: before the switch (stages 1–4 or at the gate), stop it with CodeDeploy's auto-rollback;
 * - `redeploy-previous`: after it completed, deploy the task definition that ran before it;
 * - `refused`: nothing to roll back, with why.
 */
export type RollbackPlan =
  { kind: 'stop' } | { kind: 'redeploy-previous'; taskDefinitionArn: string } | { kind: 'refused'; message: string };

export function rollbackPlan(view: GateView): RollbackPlan {
  const { deploymentId: id, status } = view;
  if (status === 'COMPLETED') {
    return view.previousTaskDefinitionArn
      ? { kind: 'redeploy-previous', taskDefinitionArn: view.previousTaskDefinitionArn }
      : { kind: 'refused', message: `Deployment ${id} has no previous task definition to roll back to` };
  }
  if (status === 'FAILED' || status === 'ROLLED_BACK')
    return { kind: 'refused', message: `Deployment ${id} has ended (${status}): nothing to roll back` };
  if ((status === 'IN_PROGRESS' || status === 'DEPLOYMENT_READY') && view.pending === undefined) return { kind: 'stop' };
  // Between a progressive release's steps: any step rolls back.
  if (status === 'SWITCHING' && walking(view) && view.pending === undefined) return { kind: 'stop' };
  return { kind: 'refused', message: `Deployment ${id} cannot be rolled back in status ${status}` };
}

/**
 * Why a completed deployment may not be undone by a rollback; undefined when it may. "Roll back"
 * undoes the service's current release (its deployment that completed last) by redeploying the
 * revision it replaced: never an older release (that is a deployment of old code, through the
 * gate), and never a rollback itself (typed twice, production would flip back and forth).
 */
export function undoRefusal(
  view: { deploymentId: string; rollbackOf?: string | undefined },
  currentRelease: string | undefined,
  serviceKey: string,
): { message: string; currentDeploymentId: string | null } | undefined {
  const id = view.deploymentId;
  if (view.rollbackOf) {
    return {
      message: `Deployment ${id} is itself a rollback of ${view.rollbackOf}: to run that release again, deploy its version through the gate (POST /api/v1/deploy/${view.rollbackOf}/redeploy)`,
      currentDeploymentId: currentRelease ?? null,
    };
  }
  if (currentRelease === id) return undefined;
  return {
    message: `Only the current release of ${serviceKey} can be rolled back, and that is ${currentRelease ?? 'unknown'}, not ${id}. To go back further, deploy the older version through the gate (POST /api/v1/deploy/${id}/redeploy, or POST /api/v1/deploy with its version)`,
    currentDeploymentId: currentRelease ?? null,
  };
}

/** A rollback without a reason where the service's policy asks for one; the workflow's own rollbacks need none. */
export function rollbackReasonRefusal(
  policy: ApprovalPolicy,
  request: Pick<Decision, 'via' | 'reason'>,
  service: string,
): string | undefined {
  if (!policy.rollbackReasonRequired || request.via === 'workflow' || (request.reason ?? '').trim() !== '') return undefined;
  return `A reason is required to roll back deployments of ${service}`;
}

/** A switch while a freeze covers the service: refused unless an admin overrides it. */
export function freezeRefusal(
  request: { frozen?: { id: string; reason: string; endsAt: string }; override?: boolean; role?: string; via: string },
  service: string,
): string | undefined {
  if (!request.frozen || request.via === 'workflow') return undefined;
  if (request.override && request.role === 'admin') return undefined;
  const { id, reason, endsAt } = request.frozen;
  return `Deployments of ${service} are frozen until ${endsAt}: ${reason} (freeze ${id}). Only an admin may override, with {"override": true}`;
}
