// Which task definition answers a service's blue and green health endpoints, and green's share of
// production traffic, for both engines: a CodeDeploy blue/green deployment (task sets) and an
// ECS-native service deployment (service revisions).
import { TERMINAL_STATUSES } from './codedeploy-model.js';
import { FINISHED_STATUSES } from './ecs-deployment-model.js';
import type { EcsServiceDeployment } from './ecs-deployment-model.js';
import type { EcsService } from './ecs-model.js';
import type { AwsEmulatorState } from './emulator-state.js';

export interface ProbeTarget {
  taskDefinition: string;
  containerName?: string;
  running: boolean;
  /** This colour's share of production traffic, in percent. */
  trafficWeight: number;
}

function activeNative(service: EcsService): EcsServiceDeployment | undefined {
  return service.serviceDeployments.find((d) => !FINISHED_STATUSES.has(d.status) && d.sourceRevisionArn);
}

const revisionTaskDefinition = (service: EcsService, arn: string | undefined) =>
  service.serviceRevisions.find((r) => r.arn === arn)?.taskDefinition;

export function blueTarget(state: AwsEmulatorState, service: EcsService): ProbeTarget {
  const containerName = service.loadBalancers[0]?.containerName;
  const native = activeNative(service);
  if (native) {
    return {
      taskDefinition: revisionTaskDefinition(service, native.sourceRevisionArn) ?? service.taskDefinition,
      containerName,
      running: true,
      trafficWeight: 100 - native.productionWeight,
    };
  }
  const green = greenTarget(state, service);
  return { taskDefinition: service.taskDefinition, containerName, running: true, trafficWeight: 100 - (green?.trafficWeight ?? 0) };
}

export function greenTarget(state: AwsEmulatorState, service: EcsService): ProbeTarget | undefined {
  const native = activeNative(service);
  if (native) {
    const scaledUp = native.stepIndex > native.plan.findIndex((s) => s.stage === 'SCALE_UP');
    return {
      taskDefinition: revisionTaskDefinition(service, native.targetRevisionArn) ?? '',
      containerName: service.loadBalancers[0]?.containerName,
      running: scaledUp || service.desiredCount === 0,
      trafficWeight: native.productionWeight,
    };
  }
  const deployment = [...state.codedeploy.deployments.values()].find(
    (d) => d.service === service && d.greenTaskSet && !TERMINAL_STATUSES.has(d.status),
  );
  if (!deployment?.greenTaskSet) return undefined;
  return {
    taskDefinition: deployment.greenTaskDefinition,
    containerName: deployment.appSpec.containerName,
    running: deployment.greenTaskSet.runningCount > 0 || deployment.greenTaskSet.computedDesiredCount === 0,
    trafficWeight: deployment.productionTrafficWeight ?? (deployment.productionTrafficOnGreen ? 100 : 0),
  };
}
