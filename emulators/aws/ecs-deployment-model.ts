// The records the ECS deployment controller keeps for a service: its service revisions and its
// service deployments (lifecycle stage, traffic weights over time, lifecycle hook runs). They hang
// off the service, so a snapshot of the emulator carries them with it.
import type { DeploymentPlanConfig, HookAction, HookStage } from './ecs-deployment-config.js';

export type ServiceDeploymentStatus =
  | 'PENDING'
  | 'IN_PROGRESS'
  | 'SUCCESSFUL'
  | 'STOPPED'
  | 'STOP_REQUESTED'
  | 'ROLLBACK_REQUESTED'
  | 'ROLLBACK_IN_PROGRESS'
  | 'ROLLBACK_SUCCESSFUL'
  | 'ROLLBACK_FAILED';
export const FINISHED_STATUSES: ReadonlySet<ServiceDeploymentStatus> = new Set([
  'SUCCESSFUL',
  'STOPPED',
  'ROLLBACK_SUCCESSFUL',
  'ROLLBACK_FAILED',
]);

export type LifecycleStage = HookStage | 'SCALE_UP' | 'BAKE_TIME' | 'CLEAN_UP';
export type HookStatus = 'AWAITING_ACTION' | 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT';

export interface ServiceRevisionRecord {
  arn: string;
  serviceArn: string;
  clusterArn: string;
  taskDefinition: string;
  launchType?: string;
  loadBalancers: unknown[];
  createdAt: Date;
}

/** One run of a configured lifecycle hook at one stage (a stage met again runs its hooks again). */
export interface HookRun {
  hookId: string;
  /** Index of the hook in the deployment's `lifecycleHooks`. */
  configIndex: number;
  stage: LifecycleStage;
  targetType: 'AWS_LAMBDA' | 'PAUSE';
  targetArn?: string;
  status: HookStatus;
  expiresAt: Date;
  timeoutAction: HookAction;
  /** What the function returned last as `hookDetails`, passed to its next invocation. */
  hookDetails?: unknown;
}

/** One step of the plan: a lifecycle stage, the traffic it sets on green, and the bake after it. */
export interface PlanStep {
  stage: LifecycleStage;
  productionWeight?: number;
  testWeight?: number;
  bakeMinutes: number;
}

/** A pending timer, as data so a snapshot can carry it. */
export type EcsDeploymentStep =
  | { kind: 'enter'; index: number }
  | { kind: 'leave'; index: number }
  | { kind: 'invokeHook'; hookId: string }
  | { kind: 'hookTimeout'; hookId: string }
  | { kind: 'finishRollback' };

export interface TrafficPoint {
  at: Date;
  stage: LifecycleStage;
  /** Green's (the target revision's) share of production and test traffic, in percent. */
  productionWeight: number;
  testWeight: number;
}

export interface EcsServiceDeployment {
  arn: string;
  createdAt: Date;
  startedAt?: Date;
  finishedAt?: Date;
  stoppedAt?: Date;
  updatedAt: Date;
  sourceRevisionArn?: string;
  targetRevisionArn: string;
  status: ServiceDeploymentStatus;
  statusReason?: string;
  lifecycleStage?: LifecycleStage;
  /** The deploymentConfiguration as given (echoed by DescribeServiceDeployments). */
  deploymentConfiguration: Record<string, unknown>;
  config: DeploymentPlanConfig;
  plan: PlanStep[];
  stepIndex: number;
  productionWeight: number;
  testWeight: number;
  trafficHistory: TrafficPoint[];
  hooks: HookRun[];
  /** ABORT ends in STOPPED, ROLLBACK (and failures) in ROLLBACK_SUCCESSFUL. */
  endStatus?: 'STOPPED' | 'ROLLBACK_SUCCESSFUL';
  rollback?: { reason: string; startedAt: Date; serviceRevisionArn?: string };
  pending: Record<string, { step: EcsDeploymentStep; dueAt: number }>;
}

/** What ECS passes to a Lambda lifecycle hook. */
export interface EcsHookPayload {
  executionDetails: {
    testTrafficWeights: Record<string, number>;
    productionTrafficWeights: Record<string, number>;
    serviceArn: string;
    targetServiceRevisionArn: string;
  };
  executionId: string;
  lifecycleStage: LifecycleStage;
  resourceArn: string;
  hookDetails?: unknown;
}
