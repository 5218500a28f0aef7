// The records the ECS emulator keeps: clusters, task definitions, services and their task sets
// (CODE_DEPLOY controller) or deployments (ECS controller). Types only, apart from the state that
// changes them (ecs-state.ts), so the CodeDeploy side and the ECS deployment runner can name them
// without importing that state.
import type { EcsServiceDeployment, ServiceRevisionRecord } from './ecs-deployment-model.js';

export interface EcsCluster {
  name: string;
  arn: string;
  createdAt: Date;
}

export interface ContainerDefinition {
  name?: string;
  image?: string;
  portMappings?: { containerPort?: number; hostPort?: number; protocol?: string }[];
  [field: string]: unknown;
}

export interface TaskDefinition {
  family: string;
  revision: number;
  arn: string;
  containerDefinitions: ContainerDefinition[];
  registeredAt: Date;
  status: 'ACTIVE' | 'INACTIVE';
  /** Every other RegisterTaskDefinition field, echoed back as given (cpu, memory, roles, …). */
  extra: Record<string, unknown>;
}

export type DeploymentControllerType = 'ECS' | 'CODE_DEPLOY' | 'EXTERNAL';

export interface LoadBalancer {
  targetGroupArn?: string;
  loadBalancerName?: string;
  containerName?: string;
  containerPort?: number;
  /** ECS-native blue/green: the alternate target group and listener rules ECS shifts between. */
  advancedConfiguration?: {
    alternateTargetGroupArn?: string;
    productionListenerRule?: string;
    testListenerRule?: string;
    roleArn?: string;
  };
}

export interface TaskSet {
  id: string;
  arn: string;
  serviceArn: string;
  clusterArn: string;
  taskDefinition: string;
  /** PRIMARY serves production; ACTIVE is the replacement during a deployment; DRAINING is on its way out. */
  status: 'PRIMARY' | 'ACTIVE' | 'DRAINING';
  externalId?: string;
  startedBy?: string;
  computedDesiredCount: number;
  pendingCount: number;
  runningCount: number;
  stabilityStatus: 'STEADY_STATE' | 'STABILIZING';
  createdAt: Date;
  updatedAt: Date;
  launchType?: string;
  loadBalancers: LoadBalancer[];
}

export interface RollingDeployment {
  id: string;
  status: 'PRIMARY' | 'ACTIVE';
  taskDefinition: string;
  desiredCount: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface EcsService {
  name: string;
  arn: string;
  cluster: EcsCluster;
  taskDefinition: string;
  desiredCount: number;
  deploymentController: { type: DeploymentControllerType };
  loadBalancers: LoadBalancer[];
  launchType?: string;
  createdAt: Date;
  /** CODE_DEPLOY (and EXTERNAL) services run their tasks in task sets. */
  taskSets: TaskSet[];
  /** The ECS (rolling update) controller reports deployments instead. */
  deployments: RollingDeployment[];
  /** ECS-controller services: every service revision, and the service deployments between them. */
  serviceRevisions: ServiceRevisionRecord[];
  serviceDeployments: EcsServiceDeployment[];
  extra: Record<string, unknown>;
}

export interface RegisterTaskDefinitionInput {
  family: string;
  containerDefinitions: ContainerDefinition[];
  [field: string]: unknown;
}

export interface CreateServiceInput {
  cluster?: string;
  serviceName: string;
  taskDefinition?: string;
  desiredCount?: number;
  deploymentController?: { type?: DeploymentControllerType };
  loadBalancers?: LoadBalancer[];
  launchType?: string;
  [field: string]: unknown;
}
