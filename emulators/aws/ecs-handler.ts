// Amazon ECS operations (awsJson1_1, target prefix AmazonEC2ContainerServiceV20141113).
import { AwsError } from './aws-error.js';
import { arn, EMULATED_USER_ARN, epochSeconds, nameFromArnOrName } from './aws-identity.js';
import { serviceDeploymentOperations } from './ecs-deployments-handler.js';
import type { CreateServiceInput, EcsCluster, EcsService, RegisterTaskDefinitionInput, TaskDefinition, TaskSet } from './ecs-model.js';
import type { EcsState } from './ecs-state.js';
import { optionalString, requiredString } from './json-protocol.js';
import type { JsonService } from './json-protocol.js';

// Request members that configure the call rather than describe the resource.
const REQUEST_ONLY_MEMBERS = ['clientToken', 'tags', 'propagateTags', 'enableECSManagedTags'];

export function ecsService(ecs: EcsState): JsonService {
  return {
    targetPrefix: 'AmazonEC2ContainerServiceV20141113',
    iamPrefix: 'ecs',
    operations: {
      CreateCluster: (input) => ({ cluster: clusterJson(ecs, ecs.createCluster(optionalString(input, 'clusterName'))) }),

      DescribeClusters: (input) => {
        const refs = Array.isArray(input.clusters) ? (input.clusters as string[]) : ['default'];
        const clusters = [];
        const failures = [];
        for (const ref of refs) {
          const cluster = ecs.clusters.get(nameFromArnOrName(ref));
          if (cluster) clusters.push(clusterJson(ecs, cluster));
          else failures.push({ arn: ref.startsWith('arn:') ? ref : arn(ecs.region, 'ecs', `cluster/${ref}`), reason: 'MISSING' });
        }
        return { clusters, failures };
      },

      RegisterTaskDefinition: (input) => {
        const taskDefinition = ecs.registerTaskDefinition(input as RegisterTaskDefinitionInput);
        return { taskDefinition: taskDefinitionJson(taskDefinition), tags: Array.isArray(input.tags) ? input.tags : [] };
      },

      DescribeTaskDefinition: (input) => ({
        taskDefinition: taskDefinitionJson(ecs.taskDefinition(requiredString(input, 'taskDefinition', 'ClientException'))),
        tags: [],
      }),

      ListTaskDefinitions: (input) => {
        const sort = optionalString(input, 'sort');
        if (sort && sort !== 'ASC' && sort !== 'DESC') throw new AwsError('InvalidParameterException', `Invalid sort order: ${sort}`);
        const all = ecs.listTaskDefinitions({
          familyPrefix: optionalString(input, 'familyPrefix'),
          status: optionalString(input, 'status'),
          sort: sort as 'ASC' | 'DESC' | undefined,
        });
        const start = Number(optionalString(input, 'nextToken') ?? 0);
        const size = typeof input.maxResults === 'number' ? input.maxResults : 100;
        const page = all.slice(start, start + size);
        return { taskDefinitionArns: page.map((t) => t.arn), ...(start + size < all.length ? { nextToken: String(start + size) } : {}) };
      },

      CreateService: (input) => {
        requiredString(input, 'serviceName');
        return { service: serviceJson(ecs.createService(input as CreateServiceInput)) };
      },

      DescribeServices: (input) => {
        const cluster = ecs.cluster(optionalString(input, 'cluster'));
        const refs = Array.isArray(input.services) ? (input.services as string[]) : [];
        if (refs.length === 0) throw new AwsError('InvalidParameterException', 'Services cannot be empty.');
        const services = [];
        const failures = [];
        for (const ref of refs) {
          const service = ecs.findService(cluster.name, ref);
          if (service) services.push(serviceJson(service));
          else
            failures.push({
              arn: ref.startsWith('arn:') ? ref : cluster.arn.replace(':cluster/', ':service/') + `/${ref}`,
              reason: 'MISSING',
            });
        }
        return { services, failures };
      },

      UpdateService: (input) => {
        const service = ecs.updateService(optionalString(input, 'cluster'), requiredString(input, 'service'), {
          taskDefinition: optionalString(input, 'taskDefinition'),
          desiredCount: typeof input.desiredCount === 'number' ? input.desiredCount : undefined,
          deploymentConfiguration: input.deploymentConfiguration,
        });
        return { service: serviceJson(service) };
      },

      DescribeTaskSets: (input) => {
        const service = ecs.service(requiredString(input, 'cluster'), requiredString(input, 'service'));
        if (service.deploymentController.type === 'ECS') {
          throw new AwsError(
            'InvalidParameterException',
            'Amazon ECS does not support task set management on services configured to use the ECS deployment controller.',
          );
        }
        const refs = Array.isArray(input.taskSets) ? (input.taskSets as string[]) : undefined;
        if (!refs) return { taskSets: service.taskSets.map(taskSetJson), failures: [] };
        const taskSets = [];
        const failures = [];
        for (const ref of refs) {
          const taskSet = service.taskSets.find((t) => t.id === ref || t.arn === ref);
          if (taskSet) taskSets.push(taskSetJson(taskSet));
          else failures.push({ arn: ref, reason: 'MISSING' });
        }
        return { taskSets, failures };
      },

      ...serviceDeploymentOperations(ecs),
    },
  };
}

function clusterJson(ecs: EcsState, cluster: EcsCluster) {
  const services = [...ecs.services.values()].filter((s) => s.cluster === cluster);
  return {
    clusterArn: cluster.arn,
    clusterName: cluster.name,
    status: 'ACTIVE',
    registeredContainerInstancesCount: 0,
    runningTasksCount: services.reduce((sum, s) => sum + runningCount(s), 0),
    pendingTasksCount: services.reduce((sum, s) => sum + pendingCount(s), 0),
    activeServicesCount: services.length,
    statistics: [],
    tags: [],
    settings: [{ name: 'containerInsights', value: 'disabled' }],
    capacityProviders: [],
    defaultCapacityProviderStrategy: [],
  };
}

export function taskDefinitionJson(taskDefinition: TaskDefinition) {
  const extra = Object.fromEntries(Object.entries(taskDefinition.extra).filter(([key]) => !REQUEST_ONLY_MEMBERS.includes(key)));
  const requires = Array.isArray(extra.requiresCompatibilities) ? (extra.requiresCompatibilities as string[]) : [];
  return {
    ...extra,
    taskDefinitionArn: taskDefinition.arn,
    family: taskDefinition.family,
    revision: taskDefinition.revision,
    containerDefinitions: taskDefinition.containerDefinitions,
    status: taskDefinition.status,
    compatibilities: requires.includes('FARGATE') ? ['EC2', 'FARGATE'] : ['EC2'],
    registeredAt: epochSeconds(taskDefinition.registeredAt),
    registeredBy: EMULATED_USER_ARN,
  };
}

const runningCount = (service: EcsService) =>
  service.deploymentController.type === 'ECS' ? service.desiredCount : service.taskSets.reduce((sum, t) => sum + t.runningCount, 0);
const pendingCount = (service: EcsService) => service.taskSets.reduce((sum, t) => sum + t.pendingCount, 0);

export function serviceJson(service: EcsService) {
  const extra = Object.fromEntries(Object.entries(service.extra).filter(([key]) => !REQUEST_ONLY_MEMBERS.includes(key)));
  return {
    schedulingStrategy: 'REPLICA',
    ...extra,
    serviceArn: service.arn,
    serviceName: service.name,
    clusterArn: service.cluster.arn,
    loadBalancers: service.loadBalancers,
    status: 'ACTIVE',
    desiredCount: service.desiredCount,
    runningCount: runningCount(service),
    pendingCount: pendingCount(service),
    ...(service.launchType ? { launchType: service.launchType } : {}),
    taskDefinition: service.taskDefinition,
    deploymentController: service.deploymentController,
    taskSets: service.taskSets.map(taskSetJson),
    deployments: service.deployments.map((d) => ({
      id: d.id,
      status: d.status,
      taskDefinition: d.taskDefinition,
      desiredCount: d.desiredCount,
      runningCount: d.desiredCount,
      pendingCount: 0,
      failedTasks: 0,
      rolloutState: 'COMPLETED',
      createdAt: epochSeconds(d.createdAt),
      updatedAt: epochSeconds(d.updatedAt),
    })),
    events: [],
    createdAt: epochSeconds(service.createdAt),
  };
}

export function taskSetJson(taskSet: TaskSet) {
  return {
    id: taskSet.id,
    taskSetArn: taskSet.arn,
    serviceArn: taskSet.serviceArn,
    clusterArn: taskSet.clusterArn,
    ...(taskSet.startedBy ? { startedBy: taskSet.startedBy } : {}),
    ...(taskSet.externalId ? { externalId: taskSet.externalId } : {}),
    status: taskSet.status,
    taskDefinition: taskSet.taskDefinition,
    computedDesiredCount: taskSet.computedDesiredCount,
    pendingCount: taskSet.pendingCount,
    runningCount: taskSet.runningCount,
    createdAt: epochSeconds(taskSet.createdAt),
    updatedAt: epochSeconds(taskSet.updatedAt),
    ...(taskSet.launchType ? { launchType: taskSet.launchType } : {}),
    loadBalancers: taskSet.loadBalancers,
    scale: { value: 100, unit: 'PERCENT' },
    stabilityStatus: taskSet.stabilityStatus,
    stabilityStatusAt: epochSeconds(taskSet.updatedAt),
  };
}
