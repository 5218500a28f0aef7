// Everything the AWS emulator knows, shared by its service handlers and readable by tests, the
// sandbox and other emulators (a simulated CI build pushes through `state.ecr.pushImage`).
import type { AccessKeyConfig } from './access-keys.js';
import { ACCOUNT_ID, DEFAULT_REGION } from './aws-identity.js';
import type { DeploymentTiming } from './blue-green-runner.js';
import { CodeDeployState } from './codedeploy-state.js';
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
    this.ecs = new EcsState(this.region, this.counters);
    this.lambda = new LambdaFunctions(this.region, ACCOUNT_ID);
    this.codedeploy = new CodeDeployState(this.ecs, this.counters, this.timing, this.lambda);
  }

  /** Stops every pending deployment timer (on server close). */
  dispose(): void {
    this.codedeploy.dispose();
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
