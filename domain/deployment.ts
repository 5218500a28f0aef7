// A deployment's vocabulary: its input, state, result and the lists its fields take values from.
// Pure types, const lists and functions over them, importing only domain/: the workflow, the
// activities, configuration and the API all build on this file. Every list is written once, as a
// const array, and its type is derived from it (zod schemas use `z.enum(THE_ARRAY)`).
import type { ReleasePlan, ReleaseStep, ReleaseStrategyType } from './release-strategy.js';
import type { Approval, ApprovalPolicy } from './approval-policy.js';

export interface DeployTarget {
  cluster: string;
  service: string;
  codeDeployApplication: string;
  codeDeployGroup: string;
  containerName: string;
  containerPort: number;
  /** ECR repository for the image; default `<owner>-<repo>`. */
  ecrRepository: string;
  blueUrl: string;
  greenUrl: string;
  /** The build workflow file in the app repository (github-actions builder). */
  buildWorkflow: string;
  /**
   * The AfterAllowTestTraffic hook Lambda the AppSpec names (DEPLOY_HOOK_FUNCTION; configuration
   * only, never from a request). Absent in older histories and when no hook is configured.
   */
  hookFunction?: string;
  /**
   * The IAM role ECS assumes to invoke `hookFunction` on an ECS-native service (its Lambda
   * lifecycle hook's `roleArn`; DEPLOY_HOOK_ROLE_ARN or the request). CodeDeploy ignores it.
   */
  hookRoleArn?: string;
}

export const BUILDERS = ['github-actions', 'docker'] as const;
export type Builder = (typeof BUILDERS)[number];

export interface DeploymentLimits {
  stageMs: number;
  totalMs: number;
  /** How long DEPLOYMENT_READY waits for a decision before it stops and rolls back. */
  switchTimeoutMs: number;
  /** Limit of one short AWS/GitHub call; a worker crash during one is retried after this. */
  callMs: number;
  /** Heartbeat timeout of the long waits (build run, CodeDeploy): how fast a crashed worker is noticed. */
  heartbeatMs: number;
}

export interface DeploymentInput {
  deploymentId: string;
  githubConnectionId: string;
  awsConnectionId: string;
  owner: string;
  repo: string;
  branch: string;
  /** A tag or commit; the branch head when absent. */
  version?: string;
  target: DeployTarget;
  builder: Builder;
  limits: DeploymentLimits;
  requestedBy: string;
  /** The person behind `requestedBy`, when known: a policy separating duties refuses their approval by any door. */
  requestedByPerson?: string;
  /** A rollback deployment redeploys this known-good task definition: no build, no approval wait. */
  rollback?: {
    of: string;
    taskDefinitionArn: string;
    /** The door it was asked at, why, and the freeze in force then (a rollback may pass a freeze; the record says so). */
    via?: string;
    reason?: string;
    duringFreeze?: string;
  };
  /** The service's approval policy when the deployment started; absent: DEFAULT_APPROVAL_POLICY. */
  approvalPolicy?: ApprovalPolicy;
  /** The release plan chosen at admission; absent: blue/green on CodeDeploy (the Panda deploy API's flow). */
  release?: ReleasePlan;
}

export const DEPLOYMENT_STATUSES = ['IN_PROGRESS', 'DEPLOYMENT_READY', 'SWITCHING', 'COMPLETED', 'FAILED', 'ROLLED_BACK'] as const;
export type DeploymentStatus = (typeof DEPLOYMENT_STATUSES)[number];

/** Statuses a deployment never leaves. */
export const TERMINAL_STATUSES: ReadonlySet<DeploymentStatus> = new Set(['COMPLETED', 'FAILED', 'ROLLED_BACK']);

/** The `errorCode` of a failed deployment (also the failure type an activity throws). */
export const DEPLOYMENT_ERROR_CODES = [
  'DEPLOYMENT_TIMEOUT',
  'DOCKER_BUILD_FAILED',
  'ECS_DEPLOYMENT_FAILED',
  'HEALTH_CHECK_FAILED',
  'UNEXPECTED_ERROR',
] as const;
export type DeploymentErrorCode = (typeof DEPLOYMENT_ERROR_CODES)[number];

/** Which side serves production: blue before the switch, green after it. */
export const SERVICE_COLORS = ['blue', 'green'] as const;
export type ServiceColor = (typeof SERVICE_COLORS)[number];

export interface HealthFigures {
  /** Mean latency of the samples. */
  latencyMs: number;
  errorRate: number;
  samples: number;
  /** Latency percentiles of the samples (absent in figures taken before they were measured). */
  p50Ms?: number;
  p95Ms?: number;
  /** What made probes fail (a redirect and its Location, a refused address, a status), distinct, a few at most. */
  problems?: string[];
}

/** One window of the watched hold: green and blue probed side by side, and whether green crossed a threshold. */
export interface WatchWindow {
  at: string;
  blue: HealthFigures;
  green: HealthFigures;
  /** Why green's window was bad; absent when it was good. */
  breach?: string;
}

/** The watch activity's heartbeat details: its latest windows, and the bad ones in a row so far. */
export interface WatchHeartbeat {
  windows: WatchWindow[];
  consecutive: number;
}

/** What the watch found: `windows` bad windows in a row (the latest last). */
export interface WatchVerdict {
  breached: true;
  reason: string;
  windows: WatchWindow[];
}

/** The p-th percentile (nearest rank) of `values`. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export const DECISION_ACTIONS = ['switch', 'rollback', 'timeout'] as const;
export type DecisionAction = (typeof DECISION_ACTIONS)[number];

export interface Decision {
  action: DecisionAction;
  by: string;
  /** The person behind `by`, when known (SWITCHYARD_IDENTITIES). */
  person?: string;
  via: 'api' | 'slack' | 'websocket' | 'workflow';
  at: string;
  reason?: string;
}

export interface DeploymentSnapshot {
  deploymentId: string;
  status: DeploymentStatus;
  stage: number;
  owner: string;
  repo: string;
  branch: string;
  version?: string;
  service: string;
  cluster: string;
  /** The commit built (resolved from the version or branch). */
  sha?: string;
  /** The commit's date from GitHub, recorded at deploy time (delivery metrics' lead time); absent in older runs. */
  committedAt?: string;
  /** `repository@sha256:…`: what the task definition names. */
  imageUri?: string;
  /** The image's digest in ECR (sha256:…). */
  imageDigest?: string;
  imageTag?: string;
  taskDefinitionArn?: string;
  previousTaskDefinitionArn?: string;
  codeDeployDeploymentId?: string;
  /** The blue (production) and green (replacement) ECS task set ARNs, from CodeDeploy's deployment target. */
  blueServiceArn?: string;
  greenServiceArn?: string;
  startedAt: string;
  /** When stage 4 finished (ready) or the deployment ended. */
  completedAt?: string;
  finalService: ServiceColor | null;
  blueUrl: string;
  greenUrl: string | null;
  blue?: HealthFigures;
  green?: HealthFigures;
  /** The watched hold's verdict (a breach), whether it was acted on or only recorded (dry run). */
  analysis?: WatchVerdict & { dryRun: boolean };
  /** Since when green has served the test listener: CodeDeploy's AfterAllowTestTraffic hook, or the gate's opening without one. */
  testTrafficSince?: string;
  errorMessage: string | null;
  errorCode?: DeploymentErrorCode;
  failedStage?: number;
  decision?: Decision;
  /** Approvals given at the gate so far, and how many the policy needs. */
  approvals?: Approval[];
  approvalsRequired?: number;
  /** The policy it started under: the API words its refusals from it too. */
  approvalPolicy?: ApprovalPolicy;
  rollbackOf?: string;
  /** A progressive release's plan and progress (absent for blue/green on CodeDeploy). */
  strategy?: ReleaseStrategyType;
  steps?: ReleaseStep[];
  /** Steps done so far: `steps[currentStep]` is the next shift (0 at the gate). */
  currentStep?: number;
  /** Production traffic on green now, in %. */
  trafficWeight?: number;
  /** When the current step's timed pause (bake) ends, while one runs. */
  bakeEndsAt?: string;
  eventCount: number;
}

export function durationSeconds(snapshot: Pick<DeploymentSnapshot, 'startedAt' | 'completedAt'>, now = Date.now()): number {
  const end = snapshot.completedAt ? Date.parse(snapshot.completedAt) : now;
  return Math.max(0, Math.round((end - Date.parse(snapshot.startedAt)) / 1000));
}
