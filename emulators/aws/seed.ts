// Puts the world a deployment expects into an empty emulator: an ECS cluster and a CODE_DEPLOY
// service running an initial task definition, the ECR repository (holding the `initial` image),
// and a CodeDeploy ECS application with a blue/green deployment group bound to that service that
// holds production traffic until a person continues (STOP_DEPLOYMENT after waitTimeInMinutes).
import { ACCOUNT_ID } from './aws-identity.js';
import type { AwsEmulatorState } from './emulator-state.js';

export interface AwsSeedOptions {
  cluster: string;
  service: string;
  containerName: string;
  containerPort: number;
  application: string;
  deploymentGroup: string;
  repository: string;
  /** Tasks per task set (default 2). */
  desiredCount?: number;
  /** The group's ready wait before it stops on its own (default 120 minutes). */
  waitTimeInMinutes?: number;
  /** Tag of the image the service starts on (default `initial`). */
  initialTag?: string;
}

export interface AwsSeedResult {
  clusterArn: string;
  serviceArn: string;
  taskDefinitionArn: string;
  repositoryUri: string;
  initialImage: { tag: string; digest: string };
}

export function seed(state: AwsEmulatorState, options: AwsSeedOptions): AwsSeedResult {
  const { cluster, service, containerName, containerPort, application, deploymentGroup, repository } = options;
  const initialTag = options.initialTag ?? 'initial';

  state.ecr.createRepository(repository);
  const image = state.ecr.pushImage(repository, initialTag);
  state.ecs.createCluster(cluster);
  const taskDefinition = state.ecs.registerTaskDefinition({
    family: service,
    containerDefinitions: [
      {
        name: containerName,
        image: state.ecr.imageUri(repository, initialTag),
        essential: true,
        portMappings: [{ containerPort, hostPort: containerPort, protocol: 'tcp' }],
      },
    ],
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    cpu: '256',
    memory: '512',
    executionRoleArn: `arn:aws:iam::${ACCOUNT_ID}:role/ecsTaskExecutionRole`,
  });
  const targetGroup = (color: string) => `${service}-tg-${color}`;
  const ecsService = state.ecs.createService({
    cluster,
    serviceName: service,
    taskDefinition: taskDefinition.arn,
    desiredCount: options.desiredCount ?? 2,
    launchType: 'FARGATE',
    deploymentController: { type: 'CODE_DEPLOY' },
    loadBalancers: [
      {
        targetGroupArn: `arn:aws:elasticloadbalancing:${state.region}:${ACCOUNT_ID}:targetgroup/${targetGroup('blue')}/0123456789abcdef`,
        containerName,
        containerPort,
      },
    ],
  });
  state.codedeploy.createApplication(application, 'ECS');
  state.codedeploy.createDeploymentGroup({
    applicationName: application,
    deploymentGroupName: deploymentGroup,
    serviceRoleArn: `arn:aws:iam::${ACCOUNT_ID}:role/CodeDeployServiceRoleForECS`,
    deploymentConfigName: 'CodeDeployDefault.ECSAllAtOnce',
    deploymentStyle: { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' },
    blueGreenDeploymentConfiguration: {
      deploymentReadyOption: { actionOnTimeout: 'STOP_DEPLOYMENT', waitTimeInMinutes: options.waitTimeInMinutes ?? 120 },
      terminateBlueInstancesOnDeploymentSuccess: { action: 'TERMINATE', terminationWaitTimeInMinutes: 0 },
    },
    loadBalancerInfo: {
      targetGroupPairInfoList: [
        {
          targetGroups: [{ name: targetGroup('blue') }, { name: targetGroup('green') }],
          prodTrafficRoute: { listenerArns: [`arn:aws:elasticloadbalancing:${state.region}:${ACCOUNT_ID}:listener/app/${service}/prod`] },
          testTrafficRoute: { listenerArns: [`arn:aws:elasticloadbalancing:${state.region}:${ACCOUNT_ID}:listener/app/${service}/test`] },
        },
      ],
    },
    ecsServices: [{ clusterName: cluster, serviceName: service }],
    autoRollbackConfiguration: { enabled: true, events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_REQUEST'] },
  });

  return {
    clusterArn: ecsService.cluster.arn,
    serviceArn: ecsService.arn,
    taskDefinitionArn: taskDefinition.arn,
    repositoryUri: state.ecr.repository(repository).uri,
    initialImage: { tag: initialTag, digest: image.digest },
  };
}
