// Amazon ECS clusters, task definitions, services and task sets. Stricter than moto where AWS is:
// a service under the CODE_DEPLOY controller refuses a new task definition in UpdateService, and
// changes only through task sets that the CodeDeploy emulator creates, promotes or removes.
import { AwsError } from './aws-error.js';
import { arn, nameFromArnOrName } from './aws-identity.js';
import type { AwsCounters } from './counters.js';
import type { DeploymentTiming } from './deployment-timing.js';
import { parseDeploymentPlan } from './ecs-deployment-config.js';
import { FINISHED_STATUSES } from './ecs-deployment-model.js';
import type { CreateServiceInput, EcsCluster, EcsService, RegisterTaskDefinitionInput, TaskDefinition, TaskSet } from './ecs-model.js';
import { EcsDeploymentRunner } from './ecs-service-deployments.js';
import type { LambdaFunctions } from './lambda-functions.js';
import { taskSetId } from './random-ids.js';

const TASK_DEFINITION_ARN = /^arn:aws:ecs:[^:]+:\d{12}:task-definition\/(.+):(\d+)$/;
const FAMILY = /^[a-zA-Z0-9_-]{1,255}$/;

export class EcsState {
  readonly clusters = new Map<string, EcsCluster>();
  readonly taskDefinitions = new Map<string, TaskDefinition[]>(); // family → revisions, index = revision - 1
  readonly services = new Map<string, EcsService>(); // `${cluster}/${service}`

  /** Runs the service deployments of ECS-controller services (stages, traffic shifts, hooks). */
  readonly runner: EcsDeploymentRunner;

  constructor(
    readonly region: string,
    readonly counters: AwsCounters,
    timing: DeploymentTiming,
    lambda: LambdaFunctions,
  ) {
    this.runner = new EcsDeploymentRunner(region, timing, lambda);
  }

  createCluster(name = 'default'): EcsCluster {
    // CreateCluster is idempotent in AWS: the same name returns the existing cluster.
    const existing = this.clusters.get(name);
    if (existing) return existing;
    const cluster = { name, arn: arn(this.region, 'ecs', `cluster/${name}`), createdAt: new Date() };
    this.clusters.set(name, cluster);
    return cluster;
  }

  cluster(nameOrArn = 'default'): EcsCluster {
    const cluster = this.clusters.get(nameFromArnOrName(nameOrArn));
    if (!cluster) throw new AwsError('ClusterNotFoundException', 'Cluster not found.');
    return cluster;
  }

  registerTaskDefinition(input: RegisterTaskDefinitionInput): TaskDefinition {
    const { family, containerDefinitions, ...extra } = input;
    if (!FAMILY.test(family ?? '')) {
      throw new AwsError('ClientException', 'Family contains invalid characters or exceeds 255 characters.');
    }
    if (!Array.isArray(containerDefinitions) || containerDefinitions.length === 0) {
      throw new AwsError('ClientException', 'Container list cannot be empty.');
    }
    for (const container of containerDefinitions) {
      if (!container.name || !container.image) {
        throw new AwsError('ClientException', 'Container.name and Container.image should not be null or empty.');
      }
    }
    const revisions = this.taskDefinitions.get(family) ?? [];
    const revision = revisions.length + 1;
    const taskDefinition: TaskDefinition = {
      family,
      revision,
      arn: arn(this.region, 'ecs', `task-definition/${family}:${revision}`),
      containerDefinitions: structuredClone(containerDefinitions),
      registeredAt: new Date(),
      status: 'ACTIVE',
      extra: structuredClone(extra),
    };
    revisions.push(taskDefinition);
    this.taskDefinitions.set(family, revisions);
    this.counters.taskDefinitionRevisions.increment(family);
    return taskDefinition;
  }

  /** Resolves `family` (latest ACTIVE revision), `family:revision` or a full ARN; undefined when none. */
  findTaskDefinition(reference: string): TaskDefinition | undefined {
    const fromArn = TASK_DEFINITION_ARN.exec(reference);
    const [family, revision] = fromArn ? [fromArn[1] ?? '', fromArn[2]] : reference.split(':');
    const revisions = this.taskDefinitions.get(family ?? '') ?? [];
    if (revision === undefined) return revisions.filter((t) => t.status === 'ACTIVE').at(-1);
    return revisions[Number(revision) - 1];
  }

  taskDefinition(reference: string): TaskDefinition {
    const found = this.findTaskDefinition(reference);
    if (!found) throw new AwsError('ClientException', 'Unable to describe task definition.');
    return found;
  }

  /** `familyPrefix` is, despite its name, the full family name (AWS API reference; moto agrees). */
  listTaskDefinitions(options: { familyPrefix?: string; status?: string; sort?: 'ASC' | 'DESC' } = {}): TaskDefinition[] {
    const status = options.status ?? 'ACTIVE';
    const all = [...this.taskDefinitions.values()]
      .flat()
      .filter((t) => t.status === status && (!options.familyPrefix || t.family === options.familyPrefix))
      .sort((a, b) => a.family.localeCompare(b.family) || a.revision - b.revision);
    return options.sort === 'DESC' ? all.reverse() : all;
  }

  createService(input: CreateServiceInput): EcsService {
    const {
      cluster: clusterRef,
      serviceName,
      taskDefinition: taskDefinitionRef,
      desiredCount,
      deploymentController,
      loadBalancers,
      launchType,
      ...extra
    } = input;
    const cluster = this.cluster(clusterRef);
    const key = `${cluster.name}/${serviceName}`;
    if (this.services.has(key)) {
      throw new AwsError('InvalidParameterException', 'Creation of service was not idempotent.');
    }
    const controller = deploymentController?.type ?? 'ECS';
    if (!taskDefinitionRef && controller !== 'EXTERNAL') {
      throw new AwsError('InvalidParameterException', 'TaskDefinition must be specified.');
    }
    const taskDefinition = taskDefinitionRef ? this.#taskDefinitionForService(taskDefinitionRef) : undefined;
    const now = new Date();
    const service: EcsService = {
      name: serviceName,
      arn: arn(this.region, 'ecs', `service/${cluster.name}/${serviceName}`),
      cluster,
      taskDefinition: taskDefinition?.arn ?? '',
      desiredCount: desiredCount ?? 0,
      deploymentController: { type: controller },
      loadBalancers: structuredClone(loadBalancers ?? []),
      launchType,
      createdAt: now,
      taskSets: [],
      deployments: [],
      serviceRevisions: [],
      serviceDeployments: [],
      extra: structuredClone(extra),
    };
    const plan = parseDeploymentPlan(extra.deploymentConfiguration, service);
    if (taskDefinition && controller === 'CODE_DEPLOY') {
      // AWS starts a CODE_DEPLOY service with one PRIMARY task set running the given task definition.
      const primary = this.#newTaskSet(service, taskDefinition.arn, 'PRIMARY', 'ecs-svc');
      this.#settleTaskSet(primary);
      service.taskSets.push(primary);
    } else if (taskDefinition && controller === 'ECS') {
      this.runner.start(
        service,
        taskDefinition.arn,
        structuredClone((extra.deploymentConfiguration ?? {}) as Record<string, unknown>),
        plan,
      );
    }
    this.services.set(key, service);
    return service;
  }

  findService(clusterRef: string | undefined, serviceRef: string): EcsService | undefined {
    const cluster = this.cluster(clusterRef);
    return this.services.get(`${cluster.name}/${nameFromArnOrName(serviceRef)}`);
  }

  service(clusterRef: string | undefined, serviceRef: string): EcsService {
    const service = this.findService(clusterRef, serviceRef);
    if (!service) throw new AwsError('ServiceNotFoundException', 'Service not found.');
    return service;
  }

  updateService(
    clusterRef: string | undefined,
    serviceRef: string,
    changes: { taskDefinition?: string; desiredCount?: number; deploymentConfiguration?: unknown },
  ): EcsService {
    const service = this.service(clusterRef, serviceRef);
    const raw = changes.deploymentConfiguration ?? service.extra.deploymentConfiguration ?? {};
    // Checked before anything changes, so a refused configuration starts nothing.
    const plan = parseDeploymentPlan(raw, service);
    if (changes.deploymentConfiguration !== undefined)
      service.extra.deploymentConfiguration = structuredClone(changes.deploymentConfiguration);
    if (changes.taskDefinition !== undefined) {
      const taskDefinition = this.#taskDefinitionForService(changes.taskDefinition);
      if (taskDefinition.arn !== service.taskDefinition) {
        if (service.deploymentController.type === 'CODE_DEPLOY') {
          throw new AwsError(
            'InvalidParameterException',
            'Unable to update task definition on services with a CODE_DEPLOY deployment controller. Use AWS CodeDeploy to trigger a new deployment.',
          );
        }
        if (service.deploymentController.type === 'EXTERNAL') {
          throw new AwsError(
            'InvalidParameterException',
            'Unable to update task definition on services with a EXTERNAL deployment controller. Use task sets instead.',
          );
        }
        const active = service.serviceDeployments.find((d) => !FINISHED_STATUSES.has(d.status));
        if (active) {
          throw new AwsError(
            'InvalidParameterException',
            `The service has a service deployment in progress (${active.arn}); stop it or wait for it to finish.`,
          );
        }
        // A rolling update finishes at once; blue/green, canary and linear run on the runner's timers.
        this.runner.start(service, taskDefinition.arn, structuredClone(raw as Record<string, unknown>), plan);
        this.counters.serviceDeploymentsStarted.increment(`${service.cluster.name}/${service.name}`);
      }
    }
    if (changes.desiredCount !== undefined) {
      if (!Number.isInteger(changes.desiredCount) || changes.desiredCount < 0) {
        throw new AwsError('InvalidParameterException', 'Desired count must be a non-negative integer.');
      }
      service.desiredCount = changes.desiredCount;
      for (const taskSet of service.taskSets) {
        // A replacement still starting keeps starting; only its target size changes.
        if (taskSet.stabilityStatus === 'STABILIZING') taskSet.computedDesiredCount = taskSet.pendingCount = service.desiredCount;
        else this.#settleTaskSet(taskSet, service.desiredCount);
      }
      for (const deployment of service.deployments) deployment.desiredCount = service.desiredCount;
    }
    return service;
  }

  /** CodeDeploy's Install step: a replacement task set, still starting, that no traffic reaches yet. */
  createReplacementTaskSet(service: EcsService, taskDefinitionArn: string, deploymentId: string): TaskSet {
    const taskSet = this.#newTaskSet(service, taskDefinitionArn, 'ACTIVE', 'CodeDeploy', deploymentId);
    taskSet.pendingCount = taskSet.computedDesiredCount;
    taskSet.stabilityStatus = 'STABILIZING';
    service.taskSets.push(taskSet);
    return taskSet;
  }

  /** The replacement's tasks have started and passed their health checks. */
  markTaskSetSteady(taskSet: TaskSet): void {
    this.#settleTaskSet(taskSet);
  }

  /** CodeDeploy's success: the replacement becomes PRIMARY and the service runs its task definition. */
  promoteTaskSet(service: EcsService, replacement: TaskSet): void {
    for (const taskSet of service.taskSets) if (taskSet !== replacement) this.#drain(taskSet);
    service.taskSets = [replacement];
    replacement.status = 'PRIMARY';
    replacement.updatedAt = new Date();
    service.taskDefinition = replacement.taskDefinition;
  }

  /** Rollback: the replacement task set is drained and deleted; the PRIMARY one keeps serving. */
  removeTaskSet(service: EcsService, taskSet: TaskSet): void {
    this.#drain(taskSet);
    service.taskSets = service.taskSets.filter((t) => t !== taskSet);
  }

  primaryTaskSet(service: EcsService): TaskSet | undefined {
    return service.taskSets.find((t) => t.status === 'PRIMARY');
  }

  #taskDefinitionForService(reference: string): TaskDefinition {
    const taskDefinition = this.findTaskDefinition(reference);
    if (!taskDefinition) throw new AwsError('ClientException', 'TaskDefinition not found.');
    if (taskDefinition.status !== 'ACTIVE') throw new AwsError('ClientException', `TaskDefinition is inactive`);
    return taskDefinition;
  }

  #newTaskSet(service: EcsService, taskDefinitionArn: string, status: TaskSet['status'], startedBy: string, externalId?: string): TaskSet {
    const id = taskSetId();
    const now = new Date();
    return {
      id,
      arn: arn(this.region, 'ecs', `task-set/${service.cluster.name}/${service.name}/${id}`),
      serviceArn: service.arn,
      clusterArn: service.cluster.arn,
      taskDefinition: taskDefinitionArn,
      status,
      externalId,
      startedBy,
      computedDesiredCount: service.desiredCount,
      pendingCount: 0,
      runningCount: 0,
      stabilityStatus: 'STEADY_STATE',
      createdAt: now,
      updatedAt: now,
      launchType: service.launchType,
      loadBalancers: structuredClone(service.loadBalancers),
    };
  }

  #settleTaskSet(taskSet: TaskSet, desiredCount = taskSet.computedDesiredCount): void {
    taskSet.computedDesiredCount = desiredCount;
    taskSet.runningCount = desiredCount;
    taskSet.pendingCount = 0;
    taskSet.stabilityStatus = 'STEADY_STATE';
    taskSet.updatedAt = new Date();
  }

  #drain(taskSet: TaskSet): void {
    taskSet.status = 'DRAINING';
    taskSet.computedDesiredCount = 0;
    taskSet.runningCount = 0;
    taskSet.pendingCount = 0;
    taskSet.updatedAt = new Date();
  }

  summary() {
    return {
      clusters: [...this.clusters.keys()],
      taskDefinitions: Object.fromEntries([...this.taskDefinitions].map(([family, revisions]) => [family, revisions.length])),
      services: [...this.services.values()].map((s) => ({
        cluster: s.cluster.name,
        name: s.name,
        controller: s.deploymentController.type,
        taskDefinition: s.taskDefinition,
        desiredCount: s.desiredCount,
        taskSets: s.taskSets.map((t) => ({ id: t.id, status: t.status, taskDefinition: t.taskDefinition, runningCount: t.runningCount })),
        // Traffic over time, which DescribeServiceDeployments shows only as a snapshot.
        serviceDeployments: s.serviceDeployments.map((d) => ({
          arn: d.arn,
          status: d.status,
          strategy: d.config.strategy,
          lifecycleStage: d.lifecycleStage,
          trafficHistory: d.trafficHistory.map((p) => ({ ...p, at: p.at.toISOString() })),
        })),
      })),
    };
  }
}
