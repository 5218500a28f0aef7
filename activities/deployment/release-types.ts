// The one interface the workflow's progressive stages use, whichever engine runs the release:
// start it, follow it to the gate or to a production weight, continue the pause it waits at, roll
// it back. Plain data, shared by the activities and the workflow (no I/O here).
import type { ReleasePlan } from '../../domain/release-strategy.js';

export interface StartReleaseInput {
  awsConnectionId: string;
  plan: ReleasePlan;
  cluster: string;
  service: string;
  application: string;
  group: string;
  taskDefinitionArn: string;
  containerName: string;
  containerPort: number;
  deploymentId: string;
  /** CodeDeploy's AfterAllowTestTraffic hook Lambda (name or ARN); ECS: a Lambda ARN, with `hookRoleArn` (admission refuses anything else). */
  hookFunction?: string;
  hookRoleArn?: string;
}

/** The engine's deployment: a CodeDeploy deployment id, or an ECS service deployment ARN. */
export interface ReleaseRef {
  awsConnectionId: string;
  engine: ReleasePlan['engine'];
  releaseId: string;
}

export interface AwaitReleaseInput extends ReleaseRef {
  /** `gate`: green on test traffic, waiting for Switchyard; a number: that production weight; `done`: finished. */
  until: 'gate' | 'done' | number;
}

export interface ReleaseProgress {
  /** Green's share of production traffic, 0–100. */
  weight: number;
  /** The engine's own status word (CodeDeploy status, ECS lifecycle stage). */
  status: string;
  /** What the engine waits for Switchyard to answer (an ECS PAUSE hook id, CodeDeploy's `Ready`), if anything. */
  awaiting?: string;
  done: boolean;
}
