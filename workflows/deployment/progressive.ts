// Which runs walk a release plan step by step. A CodeDeploy blue/green plan (and any rollback
// deployment) keeps today's flow command for command, so recorded histories replay unchanged;
// everything else is new and only occurs when the input carries `release`, which no recorded
// history has: that is why the walk's new commands need no patched() marker.
import type { ReleasePlan } from '../../domain/release-strategy.js';
import type { DeploymentInput } from '../../domain/deployment.js';

export function progressivePlan(input: Pick<DeploymentInput, 'release' | 'rollback'>): ReleasePlan | undefined {
  const plan = input.release;
  if (!plan || input.rollback) return undefined;
  if (plan.engine === 'CODE_DEPLOY' && plan.strategy === 'blueGreen') return undefined;
  return plan;
}

/** ECS pauses before every production shift: Switchyard holds each step itself (timer or approvals). */
export function heldBySwitchyard(plan: ReleasePlan): boolean {
  return plan.engineConfig.kind === 'ecs' && plan.engineConfig.pauseStages.includes('PRE_PRODUCTION_TRAFFIC_SHIFT');
}
