// Stage 3: a new task definition revision from the service's current one with the new image, and
// the service itself when it does not exist yet (with the CODE_DEPLOY controller). One revision
// per deployment: the deployment id is stamped into the container environment and looked up
// before registering, so a retried activity reuses its revision.
import {
  CreateServiceCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ListTaskDefinitionsCommand,
  RegisterTaskDefinitionCommand,
  type ContainerDefinition,
  type ECSClient,
  type RegisterTaskDefinitionCommandInput,
  type Service,
  type TaskDefinition,
} from '@aws-sdk/client-ecs';
import type { DeployClients } from './clients.js';
import { asActivityFailure, errorName } from './errors.js';

export const DEPLOYMENT_ENV = 'SWITCHYARD_DEPLOYMENT_ID';

export interface RegisterInput {
  awsConnectionId: string;
  cluster: string;
  service: string;
  containerName: string;
  containerPort: number;
  imageUri: string;
  deploymentId: string;
}

export interface RegisteredTaskDefinition {
  taskDefinitionArn: string;
  previousTaskDefinitionArn?: string;
  serviceCreated: boolean;
}

async function describeService(ecs: ECSClient, cluster: string, service: string): Promise<Service | undefined> {
  const { services } = await ecs.send(new DescribeServicesCommand({ cluster, services: [service] }));
  return services?.find((s) => s.status === 'ACTIVE');
}

async function findRevisionOf(ecs: ECSClient, family: string, deploymentId: string): Promise<string | undefined> {
  let arns: string[] = [];
  try {
    arns =
      (await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: family, sort: 'DESC', maxResults: 10 }))).taskDefinitionArns ?? [];
  } catch (error) {
    if (errorName(error) !== 'ClientException') throw error;
  }
  for (const arn of arns) {
    const { taskDefinition } = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn }));
    const stamped = taskDefinition?.containerDefinitions?.some((c) =>
      c.environment?.some((e) => e.name === DEPLOYMENT_ENV && e.value === deploymentId),
    );
    if (stamped) return arn;
  }
  return undefined;
}

function withImage(containers: ContainerDefinition[], input: RegisterInput): ContainerDefinition[] {
  const stamp = (c: ContainerDefinition): ContainerDefinition => ({
    ...c,
    image: input.imageUri,
    environment: [...(c.environment ?? []).filter((e) => e.name !== DEPLOYMENT_ENV), { name: DEPLOYMENT_ENV, value: input.deploymentId }],
  });
  if (!containers.some((c) => c.name === input.containerName)) {
    return [
      ...containers,
      stamp({ name: input.containerName, essential: true, portMappings: [{ containerPort: input.containerPort, protocol: 'tcp' }] }),
    ];
  }
  return containers.map((c) => (c.name === input.containerName ? stamp(c) : c));
}

function registrationFrom(base: TaskDefinition | undefined, family: string, input: RegisterInput): RegisterTaskDefinitionCommandInput {
  return {
    family,
    containerDefinitions: withImage(base?.containerDefinitions ?? [], input),
    networkMode: base?.networkMode ?? 'awsvpc',
    requiresCompatibilities: base?.requiresCompatibilities ?? ['FARGATE'],
    cpu: base?.cpu ?? '256',
    memory: base?.memory ?? '512',
    ...(base?.taskRoleArn ? { taskRoleArn: base.taskRoleArn } : {}),
    ...(base?.executionRoleArn ? { executionRoleArn: base.executionRoleArn } : {}),
    ...(base?.volumes ? { volumes: base.volumes } : {}),
  };
}

export function createEcsActivities(clients: DeployClients) {
  return {
    async registerTaskDefinition(input: RegisterInput): Promise<RegisteredTaskDefinition> {
      const { ecs } = await clients.aws(input.awsConnectionId);
      try {
        const service = await describeService(ecs, input.cluster, input.service);
        const base = service?.taskDefinition
          ? (await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: service.taskDefinition }))).taskDefinition
          : undefined;
        const family = base?.family ?? input.service;
        let taskDefinitionArn = await findRevisionOf(ecs, family, input.deploymentId);
        if (!taskDefinitionArn) {
          const registered = await ecs.send(new RegisterTaskDefinitionCommand(registrationFrom(base, family, input)));
          taskDefinitionArn = registered.taskDefinition!.taskDefinitionArn!;
        }
        let serviceCreated = false;
        if (!service) {
          try {
            await ecs.send(
              new CreateServiceCommand({
                cluster: input.cluster,
                serviceName: input.service,
                taskDefinition: taskDefinitionArn,
                desiredCount: 1,
                deploymentController: { type: 'CODE_DEPLOY' },
              }),
            );
          } catch (error) {
            // "Creation of service was not idempotent" means an earlier attempt created it; the same
            // exception also reports a real problem, so only an ACTIVE service now counts as created.
            if (errorName(error) !== 'InvalidParameterException' || !(await describeService(ecs, input.cluster, input.service)))
              throw error;
          }
          serviceCreated = true;
        }
        return {
          taskDefinitionArn,
          ...(service?.taskDefinition ? { previousTaskDefinitionArn: service.taskDefinition } : {}),
          serviceCreated,
        };
      } catch (error) {
        throw asActivityFailure(error, 'ECS_DEPLOYMENT_FAILED', 'ECS');
      }
    },

    async describeServiceTaskDefinition({
      awsConnectionId,
      cluster,
      service,
    }: {
      awsConnectionId: string;
      cluster: string;
      service: string;
    }): Promise<{ taskDefinitionArn: string }> {
      const { ecs } = await clients.aws(awsConnectionId);
      try {
        const found = await describeService(ecs, cluster, service);
        if (!found?.taskDefinition) throw new Error(`Service ${cluster}/${service} not found`);
        return { taskDefinitionArn: found.taskDefinition };
      } catch (error) {
        throw asActivityFailure(error, 'ECS_DEPLOYMENT_FAILED', 'ECS');
      }
    },
  };
}
