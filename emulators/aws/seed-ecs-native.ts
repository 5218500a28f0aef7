// Puts an ECS-native service into the emulator: deploymentController ECS, a load balancer with the
// advancedConfiguration blue/green needs (alternate target group, listener rules, role), running an
// initial task definition. Its strategy and hooks come with UpdateService's deploymentConfiguration.
import { ACCOUNT_ID } from './aws-identity.js';
import type { AwsEmulatorState } from './emulator-state.js';

/**
 * The role ECS assumes to invoke an ECS-native service's Lambda hook (DEPLOY_HOOK_ROLE_ARN in the
 * sandbox's tests). The emulator checks its form, as UpdateService does; IAM itself is not modelled.
 */
export const ECS_HOOK_ROLE_ARN = `arn:aws:iam::${ACCOUNT_ID}:role/ecsLambdaHookRole`;

export interface EcsNativeSeedOptions {
  cluster: string;
  service: string;
  containerName: string;
  containerPort: number;
  /** The image the service starts on. */
  image: string;
  desiredCount?: number;
  /** Stored on the service; UpdateService uses it unless it passes its own. */
  deploymentConfiguration?: Record<string, unknown>;
}

export function seedEcsNativeService(state: AwsEmulatorState, options: EcsNativeSeedOptions) {
  const { cluster, service, containerName, containerPort } = options;
  const elb = (resource: string) => `arn:aws:elasticloadbalancing:${state.region}:${ACCOUNT_ID}:${resource}`;
  state.ecs.createCluster(cluster);
  const taskDefinition = state.ecs.registerTaskDefinition({
    family: service,
    containerDefinitions: [
      { name: containerName, image: options.image, essential: true, portMappings: [{ containerPort, protocol: 'tcp' }] },
    ],
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    cpu: '256',
    memory: '512',
  });
  const created = state.ecs.createService({
    cluster,
    serviceName: service,
    taskDefinition: taskDefinition.arn,
    desiredCount: options.desiredCount ?? 2,
    launchType: 'FARGATE',
    deploymentController: { type: 'ECS' },
    loadBalancers: [
      {
        targetGroupArn: elb(`targetgroup/${service}-blue/0123456789abcdef`),
        containerName,
        containerPort,
        advancedConfiguration: {
          alternateTargetGroupArn: elb(`targetgroup/${service}-green/fedcba9876543210`),
          productionListenerRule: elb(`listener-rule/app/${service}/0123456789abcdef/prod/1111111111111111`),
          testListenerRule: elb(`listener-rule/app/${service}/0123456789abcdef/test/2222222222222222`),
          roleArn: `arn:aws:iam::${ACCOUNT_ID}:role/ecsInfrastructureRoleForLoadBalancers`,
        },
      },
    ],
    ...(options.deploymentConfiguration ? { deploymentConfiguration: options.deploymentConfiguration } : {}),
  });
  return { serviceArn: created.arn, clusterArn: created.cluster.arn, taskDefinitionArn: taskDefinition.arn };
}
