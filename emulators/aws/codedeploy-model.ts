// The records the CodeDeploy emulator keeps: applications, deployment groups, deployments with
// their ECS target (lifecycle events, blue and green task sets) and lifecycle hook executions.
import type { EcsService, TaskSet } from './ecs-model.js';

export type DeploymentStatus = 'Created' | 'Queued' | 'InProgress' | 'Baking' | 'Ready' | 'Succeeded' | 'Failed' | 'Stopped';
export const TERMINAL_STATUSES: ReadonlySet<DeploymentStatus> = new Set(['Succeeded', 'Failed', 'Stopped']);

export type LifecycleEventStatus = 'Pending' | 'InProgress' | 'Succeeded' | 'Failed' | 'Skipped' | 'Unknown';
export type TargetStatus = 'Pending' | 'InProgress' | 'Succeeded' | 'Failed' | 'Skipped' | 'Unknown' | 'Ready';

/** The lifecycle of an ECS blue/green deployment, in the order CodeDeploy runs it. */
export const ECS_LIFECYCLE_EVENTS = [
  'BeforeInstall',
  'Install',
  'AfterInstall',
  'AllowTestTraffic',
  'AfterAllowTestTraffic',
  'BeforeAllowTraffic',
  'AllowTraffic',
  'AfterAllowTraffic',
] as const;
export type EcsLifecycleEventName = (typeof ECS_LIFECYCLE_EVENTS)[number];

/** The events a Lambda hook can run on (the others are CodeDeploy's own work). */
export type LifecycleHookName = 'BeforeInstall' | 'AfterInstall' | 'AfterAllowTestTraffic' | 'BeforeAllowTraffic' | 'AfterAllowTraffic';
export const HOOKABLE_EVENTS: ReadonlySet<string> = new Set<LifecycleHookName>([
  'BeforeInstall',
  'AfterInstall',
  'AfterAllowTestTraffic',
  'BeforeAllowTraffic',
  'AfterAllowTraffic',
]);

/** The parts of an ECS AppSpec that CodeDeploy acts on (appspec.ts reads them). */
export interface EcsAppSpec {
  taskDefinition: string;
  containerName: string;
  containerPort: number;
  /** Lifecycle event → the Lambda function the AppSpec names for it. */
  hooks: Record<string, string>;
}

/** What CodeDeploy passes to a hook Lambda. */
export interface LifecycleHookEvent {
  DeploymentId: string;
  LifecycleEventHookExecutionId: string;
}

export interface CodeDeployApplication {
  id: string;
  name: string;
  computePlatform: 'Server' | 'Lambda' | 'ECS';
  createTime: Date;
}

export interface DeploymentReadyOption {
  actionOnTimeout?: 'CONTINUE_DEPLOYMENT' | 'STOP_DEPLOYMENT';
  waitTimeInMinutes?: number;
}

export interface AutoRollbackConfiguration {
  enabled?: boolean;
  events?: ('DEPLOYMENT_FAILURE' | 'DEPLOYMENT_STOP_ON_ALARM' | 'DEPLOYMENT_STOP_ON_REQUEST')[];
}

export interface DeploymentGroup {
  application: CodeDeployApplication;
  id: string;
  name: string;
  serviceRoleArn?: string;
  deploymentConfigName: string;
  deploymentStyle?: { deploymentType?: string; deploymentOption?: string };
  blueGreenDeploymentConfiguration?: { deploymentReadyOption?: DeploymentReadyOption; [field: string]: unknown };
  loadBalancerInfo?: {
    targetGroupPairInfoList?: { targetGroups?: { name?: string }[]; [field: string]: unknown }[];
    [field: string]: unknown;
  };
  ecsServices: { clusterName: string; serviceName: string }[];
  autoRollbackConfiguration?: AutoRollbackConfiguration;
  /** Which of the pair's two target groups serves production now; swaps after each successful deployment. */
  productionTargetGroupIndex: 0 | 1;
  lastAttempted?: CodeDeployDeployment;
  lastSuccessful?: CodeDeployDeployment;
}

export interface LifecycleEventRecord {
  lifecycleEventName: EcsLifecycleEventName;
  status: LifecycleEventStatus;
  startTime?: Date;
  endTime?: Date;
}

export interface HookExecution {
  id: string;
  deploymentId: string;
  lifecycleEventName: EcsLifecycleEventName;
  /** The function the AppSpec named for the event, as written there. */
  functionName: string;
  status: 'Pending' | 'Succeeded' | 'Failed';
}

export interface CodeDeployDeployment {
  id: string;
  group: DeploymentGroup;
  description?: string;
  status: DeploymentStatus;
  createTime: Date;
  startTime?: Date;
  completeTime?: Date;
  /** The revision exactly as CreateDeployment received it. */
  revision: unknown;
  appSpec: EcsAppSpec;
  service: EcsService;
  blueTaskSet: TaskSet;
  greenTaskSet?: TaskSet;
  greenTaskDefinition: string;
  /** The ECS target group names behind the production and test listeners. */
  blueTargetGroup: string;
  greenTargetGroup: string;
  /** Test listener routes to green (from AllowTestTraffic on). */
  testTrafficOnGreen: boolean;
  /** Production listener routes to green (from AllowTraffic on). */
  productionTrafficOnGreen: boolean;
  /** The configuration this deployment runs (CreateDeployment's, else the group's). */
  deploymentConfigName?: string;
  /** Canary/linear: green's production weight after each AllowTraffic shift and the wait after it. */
  trafficShifts?: { weight: number; waitMinutes: number }[];
  /** Green's share of production traffic while AllowTraffic shifts it step by step. */
  productionTrafficWeight?: number;
  lifecycleEvents: LifecycleEventRecord[];
  targetStatus: TargetStatus;
  lastUpdatedAt: Date;
  errorInformation?: { code: string; message: string };
  rollbackInfo?: { rollbackMessage: string; rollbackDeploymentId?: string; rollbackTriggeringDeploymentId?: string };
  statusMessages: string[];
  /** The step the runner will take next and when (the next lifecycle step, the ready wait, a hook's limit). */
  next?: { step: RunnerStep; dueAt: number };
}

/** A step of BlueGreenRunner, as data so that a snapshot of the emulator can carry it. */
export type RunnerStep =
  | { kind: 'begin' }
  | { kind: 'finishEvent'; index: number }
  | { kind: 'fail'; code: string; message: string }
  | { kind: 'readyTimeout'; message: string }
  | { kind: 'shiftTraffic'; index: number; shift: number };
