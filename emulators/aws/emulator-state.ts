// Everything the AWS emulator knows, shared by its service handlers and readable by tests, the
// sandbox and other emulators (a simulated CI build pushes through `state.ecr.pushImage`).
import type { AccessKeyConfig } from './access-keys.js';
import { ACCOUNT_ID, DEFAULT_REGION } from './aws-identity.js';
import type { DeploymentTiming } from './deployment-timing.js';
import { CodeDeployState } from './codedeploy-state.js';
import type { HookExecution } from './codedeploy-model.js';
import { AwsCounters } from './counters.js';
import { EcrState } from './ecr-state.js';
import { EcsState } from './ecs-state.js';
import { LambdaFunctions } from './lambda-functions.js';
import { RoleSessions, SANDBOX_DEPLOY_ROLE, type EmulatedRole } from './sessions.js';

export interface AwsEmulatorStateOptions {
  region?: string;
  credentials: AccessKeyConfig;
  /** Time between CodeDeploy lifecycle steps (default 300 ms). */
  stepMs?: number;
  /** Length of one CodeDeploy "minute" for the ready wait and the hook timeout (default 60 000 ms). */
  minuteMs?: number;
  /** IAM roles AssumeRole may assume (default: the sandbox deploy role, ExternalId required). */
  roles?: EmulatedRole[];
  /** The clock session credentials expire by (tests move it forward). */
  now?: () => Date;
}

export interface AwsEmulatorData {
  version: 1;
  region: string;
  ecr: EcrState['repositories'];
  ecs: Pick<EcsState, 'clusters' | 'taskDefinitions' | 'services'>;
  codedeploy: Pick<CodeDeployState, 'applications' | 'groups' | 'deployments'> & {
    hookExecutions: Map<string, HookExecution>;
    /** Custom deployment configurations (absent from snapshots taken before they existed). */
    deploymentConfigs?: CodeDeployState['configs']['custom'];
  };
  counters: ReturnType<AwsCounters['toJSON']>;
  sessions: ReturnType<RoleSessions['exportData']>;
  lambdaInvocations: Map<string, number>;
}

export class AwsEmulatorState {
  readonly region: string;
  readonly credentials: AccessKeyConfig;
  readonly counters = new AwsCounters();
  readonly ecr: EcrState;
  readonly ecs: EcsState;
  readonly codedeploy: CodeDeployState;
  /** The Lambda functions AppSpec hooks may name (register the hook forwarder here). */
  readonly lambda: LambdaFunctions;
  readonly timing: DeploymentTiming;
  readonly sessions: RoleSessions;

  constructor(options: AwsEmulatorStateOptions) {
    this.region = options.region ?? DEFAULT_REGION;
    this.credentials = options.credentials;
    this.sessions = new RoleSessions(options.roles ?? [SANDBOX_DEPLOY_ROLE], options.now ?? (() => new Date()));
    this.timing = { stepMs: options.stepMs ?? 300, minuteMs: options.minuteMs ?? 60_000 };
    this.ecr = new EcrState(this.region, this.counters);
    this.lambda = new LambdaFunctions(this.region, ACCOUNT_ID);
    this.ecs = new EcsState(this.region, this.counters, this.timing, this.lambda);
    this.codedeploy = new CodeDeployState(this.ecs, this.counters, this.timing, this.lambda);
  }

  /**
   * Everything the emulator holds, as one graph for structured cloning (v8.serialize keeps its
   * Maps, Dates and shared references: a deployment's group and service stay the same objects as
   * the ones in their maps). Functions (the Lambda stand-ins) are not state: register them again.
   */
  exportData(): AwsEmulatorData {
    return {
      version: 1,
      region: this.region,
      ecr: this.ecr.repositories,
      ecs: { clusters: this.ecs.clusters, taskDefinitions: this.ecs.taskDefinitions, services: this.ecs.services },
      codedeploy: {
        applications: this.codedeploy.applications,
        groups: this.codedeploy.groups,
        deployments: this.codedeploy.deployments,
        hookExecutions: this.codedeploy.runner.hookExecutions,
        deploymentConfigs: this.codedeploy.configs.custom,
      },
      counters: this.counters.toJSON(),
      sessions: this.sessions.exportData(),
      lambdaInvocations: this.lambda.invocations,
    };
  }

  /** Takes over saved state (into a fresh emulator) and resumes its deployments where they were. */
  importData(data: AwsEmulatorData): void {
    if (data.version !== 1 || data.region !== this.region)
      throw new Error(`AWS emulator state of version ${data.version} in ${data.region} cannot be restored here`);
    const refill = <K, V>(target: Map<K, V>, source: Map<K, V>) => {
      target.clear();
      for (const [k, v] of source) target.set(k, v);
    };
    refill(this.ecr.repositories, data.ecr);
    refill(this.ecs.clusters, data.ecs.clusters);
    refill(this.ecs.taskDefinitions, data.ecs.taskDefinitions);
    refill(this.ecs.services, data.ecs.services);
    refill(this.codedeploy.applications, data.codedeploy.applications);
    refill(this.codedeploy.groups, data.codedeploy.groups);
    refill(this.codedeploy.deployments, data.codedeploy.deployments);
    refill(this.codedeploy.configs.custom, data.codedeploy.deploymentConfigs ?? new Map());
    refill(this.lambda.invocations, data.lambdaInvocations);
    this.counters.load(data.counters);
    this.sessions.importData(data.sessions);
    this.codedeploy.runner.resume(data.codedeploy.deployments.values(), data.codedeploy.hookExecutions.values());
    this.ecs.runner.resume(this.ecs.services.values());
  }

  /** Stops every pending deployment timer (on server close). */
  dispose(): void {
    this.codedeploy.dispose();
    this.ecs.runner.dispose();
  }

  summary() {
    return {
      region: this.region,
      ecr: this.ecr.summary(),
      ecs: this.ecs.summary(),
      codedeploy: this.codedeploy.summary(),
      lambda: this.lambda.summary(),
      counters: this.counters.toJSON(),
    };
  }
}
