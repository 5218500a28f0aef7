// Validation of an ECS service's `deploymentConfiguration` (strategy, bake times, canary/linear
// settings, lifecycle hooks) as CreateService/UpdateService check it, and the production traffic
// schedule a strategy implies. Ranges and refusals follow the ECS API reference.
import { AwsError } from './aws-error.js';

export type Strategy = 'ROLLING' | 'BLUE_GREEN' | 'CANARY' | 'LINEAR';
export type HookStage =
  | 'RECONCILE_SERVICE'
  | 'PRE_SCALE_UP'
  | 'POST_SCALE_UP'
  | 'TEST_TRAFFIC_SHIFT'
  | 'POST_TEST_TRAFFIC_SHIFT'
  | 'PRE_PRODUCTION_TRAFFIC_SHIFT'
  | 'PRODUCTION_TRAFFIC_SHIFT'
  | 'POST_PRODUCTION_TRAFFIC_SHIFT';
export type HookAction = 'CONTINUE' | 'ROLLBACK';

export interface LifecycleHookConfig {
  targetType: 'AWS_LAMBDA' | 'PAUSE';
  hookTargetArn?: string;
  roleArn?: string;
  lifecycleStages: HookStage[];
  hookDetails?: unknown;
  timeoutConfiguration: { timeoutInMinutes: number; action: HookAction };
}

export interface DeploymentPlanConfig {
  strategy: Strategy;
  bakeTimeInMinutes: number;
  canaryConfiguration?: { canaryPercent: number; canaryBakeTimeInMinutes: number };
  linearConfiguration?: { stepPercent: number; stepBakeTimeInMinutes: number };
  lifecycleHooks: LifecycleHookConfig[];
}

const STRATEGIES: readonly Strategy[] = ['ROLLING', 'BLUE_GREEN', 'CANARY', 'LINEAR'];
const HOOK_STAGES: readonly HookStage[] = [
  'RECONCILE_SERVICE',
  'PRE_SCALE_UP',
  'POST_SCALE_UP',
  'TEST_TRAFFIC_SHIFT',
  'POST_TEST_TRAFFIC_SHIFT',
  'PRE_PRODUCTION_TRAFFIC_SHIFT',
  'PRODUCTION_TRAFFIC_SHIFT',
  'POST_PRODUCTION_TRAFFIC_SHIFT',
];
/** "PAUSE hooks cannot be configured at TEST_TRAFFIC_SHIFT or PRODUCTION_TRAFFIC_SHIFT stages." */
const NO_PAUSE_STAGES: ReadonlySet<string> = new Set(['TEST_TRAFFIC_SHIFT', 'PRODUCTION_TRAFFIC_SHIFT']);
const LAMBDA_ARN = /^arn:aws[a-zA-Z-]*:lambda:[a-z]{2}(?:-gov)?-[a-z]+-\d:\d{12}:function:[a-zA-Z0-9_-]{1,64}(?::[a-zA-Z0-9_$-]+)?$/;
const ROLE_ARN = /^arn:aws[a-zA-Z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

const invalid = (message: string) => new AwsError('InvalidParameterException', message);

function minutes(value: unknown, member: string, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 1440) {
    throw invalid(`${member} must be an integer between 0 and 1440.`);
  }
  return value;
}

/** A percentage that is a multiple of 0.1 within [min, 100]. */
function percent(value: unknown, member: string, min: number, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  const tenths = typeof value === 'number' ? Math.round(value * 10) : NaN;
  if (typeof value !== 'number' || Math.abs(value * 10 - tenths) > 1e-6 || value < min || value > 100) {
    throw invalid(`${member} must be a multiple of 0.1 between ${min} and 100.0.`);
  }
  return tenths / 10;
}

type Raw = Record<string, unknown>;
const record = (value: unknown): Raw | undefined =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Raw) : undefined;

function hook(raw: unknown, strategy: Strategy): LifecycleHookConfig {
  const input = record(raw) ?? {};
  if (strategy === 'ROLLING')
    throw invalid('Lifecycle hooks are supported only with the BLUE_GREEN, CANARY and LINEAR deployment strategies.');
  const targetType = input.targetType ?? 'AWS_LAMBDA';
  if (targetType !== 'AWS_LAMBDA' && targetType !== 'PAUSE') throw invalid(`Invalid lifecycle hook targetType: ${String(targetType)}.`);
  const stages = input.lifecycleStages;
  if (!Array.isArray(stages) || stages.length === 0) throw invalid('lifecycleStages must be specified for a deployment lifecycle hook.');
  for (const stage of stages) {
    if (!HOOK_STAGES.includes(stage as HookStage)) throw invalid(`Invalid lifecycle stage: ${String(stage)}.`);
    if (targetType === 'PAUSE' && NO_PAUSE_STAGES.has(stage as string)) {
      throw invalid(`PAUSE hooks cannot be configured at the ${String(stage)} stage; use an AWS_LAMBDA hook.`);
    }
  }
  const hookTargetArn = typeof input.hookTargetArn === 'string' ? input.hookTargetArn : undefined;
  const roleArn = typeof input.roleArn === 'string' ? input.roleArn : undefined;
  if (targetType === 'AWS_LAMBDA') {
    if (!hookTargetArn || !LAMBDA_ARN.test(hookTargetArn))
      throw invalid('hookTargetArn must be the ARN of a Lambda function for an AWS_LAMBDA hook.');
    if (!roleArn || !ROLE_ARN.test(roleArn)) throw invalid('roleArn must be an IAM role ARN for an AWS_LAMBDA hook.');
  } else if (hookTargetArn) {
    throw invalid('hookTargetArn is not applicable to PAUSE hooks.');
  }
  const timeout = record(input.timeoutConfiguration) ?? {};
  const timeoutInMinutes = timeout.timeoutInMinutes ?? 1440;
  if (typeof timeoutInMinutes !== 'number' || !Number.isInteger(timeoutInMinutes) || timeoutInMinutes < 1 || timeoutInMinutes > 1440) {
    throw invalid('timeoutInMinutes must be an integer between 1 and 1440.');
  }
  const action = timeout.action ?? 'ROLLBACK';
  if (action !== 'CONTINUE' && action !== 'ROLLBACK') throw invalid(`Invalid lifecycle hook timeout action: ${String(action)}.`);
  return {
    targetType,
    hookTargetArn,
    roleArn,
    lifecycleStages: [...new Set(stages as HookStage[])],
    ...(input.hookDetails !== undefined ? { hookDetails: structuredClone(input.hookDetails) } : {}),
    timeoutConfiguration: { timeoutInMinutes, action },
  };
}

/**
 * Checks a `deploymentConfiguration` for `service` and returns its deployment-relevant part with
 * ECS's defaults filled in. Blue/green, canary and linear need the ECS controller and a load
 * balancer with an advanced configuration (the alternate target group and listener rule ECS moves).
 * `service` is typed as far as this reads it: the service records (ecs-model.ts) name this file's types.
 */
export function parseDeploymentPlan(
  raw: unknown,
  service: { deploymentController: { type: string }; loadBalancers: readonly object[] },
): DeploymentPlanConfig {
  const input = record(raw) ?? {};
  const strategy = (input.strategy ?? 'ROLLING') as Strategy;
  if (!STRATEGIES.includes(strategy)) throw invalid(`Invalid deployment strategy: ${String(input.strategy)}.`);
  if (strategy !== 'ROLLING') {
    if (service.deploymentController.type !== 'ECS') {
      throw invalid(`The ${strategy} deployment strategy requires the ECS deployment controller.`);
    }
    const advanced = service.loadBalancers.map((lb) => record((lb as Raw).advancedConfiguration)).find(Boolean);
    if (!advanced?.alternateTargetGroupArn || !advanced.productionListenerRule || !advanced.roleArn) {
      throw invalid(
        `The ${strategy} deployment strategy requires a load balancer with advancedConfiguration (alternateTargetGroupArn, productionListenerRule, roleArn).`,
      );
    }
  }
  if (input.canaryConfiguration !== undefined && strategy !== 'CANARY')
    throw invalid('canaryConfiguration is valid only with the CANARY strategy.');
  if (input.linearConfiguration !== undefined && strategy !== 'LINEAR')
    throw invalid('linearConfiguration is valid only with the LINEAR strategy.');
  const canary = record(input.canaryConfiguration) ?? {};
  const linear = record(input.linearConfiguration) ?? {};
  const hooks = input.lifecycleHooks === undefined ? [] : input.lifecycleHooks;
  if (!Array.isArray(hooks)) throw invalid('lifecycleHooks must be a list.');
  return {
    strategy,
    bakeTimeInMinutes: minutes(input.bakeTimeInMinutes, 'bakeTimeInMinutes', 0),
    ...(strategy === 'CANARY'
      ? {
          canaryConfiguration: {
            canaryPercent: percent(canary.canaryPercent, 'canaryPercent', 0.1, 5),
            canaryBakeTimeInMinutes: minutes(canary.canaryBakeTimeInMinutes, 'canaryBakeTimeInMinutes', 10),
          },
        }
      : {}),
    ...(strategy === 'LINEAR'
      ? {
          linearConfiguration: {
            stepPercent: percent(linear.stepPercent, 'stepPercent', 3, 10),
            stepBakeTimeInMinutes: minutes(linear.stepBakeTimeInMinutes, 'stepBakeTimeInMinutes', 6),
          },
        }
      : {}),
    lifecycleHooks: hooks.map((h) => hook(h, strategy)),
  };
}

/** The production traffic steps: green's weight after each shift and the bake that follows it. */
export function productionShifts(plan: DeploymentPlanConfig): { weight: number; bakeMinutes: number }[] {
  if (plan.canaryConfiguration) {
    const { canaryPercent, canaryBakeTimeInMinutes } = plan.canaryConfiguration;
    return canaryPercent >= 100
      ? [{ weight: 100, bakeMinutes: 0 }]
      : [
          { weight: canaryPercent, bakeMinutes: canaryBakeTimeInMinutes },
          { weight: 100, bakeMinutes: 0 },
        ];
  }
  if (plan.linearConfiguration) {
    const { stepPercent, stepBakeTimeInMinutes } = plan.linearConfiguration;
    const shifts = [];
    // "This bake time is not applied after reaching 100 percent traffic."
    for (let tenths = Math.round(stepPercent * 10); tenths < 1000; tenths += Math.round(stepPercent * 10)) {
      shifts.push({ weight: tenths / 10, bakeMinutes: stepBakeTimeInMinutes });
    }
    return [...shifts, { weight: 100, bakeMinutes: 0 }];
  }
  return [{ weight: 100, bakeMinutes: 0 }];
}
