// AWS CodeDeploy for the ECS compute platform: applications, deployment groups bound to one ECS
// service, and blue/green deployments (run by BlueGreenRunner). Validation follows CodeDeploy's
// own exceptions, so production code meets the same errors here as in AWS.
import { parseEcsAppSpec } from './appspec.js';
import { AwsError } from './aws-error.js';
import { BlueGreenRunner } from './blue-green-runner.js';
import type { DeploymentTiming } from './deployment-timing.js';
import { ECS_LIFECYCLE_EVENTS, TERMINAL_STATUSES } from './codedeploy-model.js';
import type {
  AutoRollbackConfiguration,
  CodeDeployApplication,
  CodeDeployDeployment,
  DeploymentGroup,
  DeploymentStatus,
  EcsAppSpec,
} from './codedeploy-model.js';
import type { AwsCounters } from './counters.js';
import type { EcsState } from './ecs-state.js';
import type { LambdaFunctions } from './lambda-functions.js';
import { DeploymentConfigs, trafficShifts } from './codedeploy-traffic-routing.js';
import { DEPLOYMENT_ID_PATTERN, deploymentId, uuid } from './random-ids.js';

export interface CreateDeploymentGroupInput {
  applicationName: string;
  deploymentGroupName: string;
  serviceRoleArn?: string;
  deploymentConfigName?: string;
  deploymentStyle?: DeploymentGroup['deploymentStyle'];
  blueGreenDeploymentConfiguration?: DeploymentGroup['blueGreenDeploymentConfiguration'];
  loadBalancerInfo?: DeploymentGroup['loadBalancerInfo'];
  ecsServices?: { clusterName?: string; serviceName?: string }[];
  autoRollbackConfiguration?: AutoRollbackConfiguration;
}

export interface CreateDeploymentInput {
  applicationName: string;
  deploymentGroupName: string;
  description?: string;
  deploymentConfigName?: string;
  revision?: { revisionType?: string; appSpecContent?: { content?: string }; string?: { content?: string } };
}

const KNOWN_STATUSES: ReadonlySet<string> = new Set<DeploymentStatus>([
  'Created',
  'Queued',
  'InProgress',
  'Baking',
  'Ready',
  'Succeeded',
  'Failed',
  'Stopped',
]);

export class CodeDeployState {
  readonly applications = new Map<string, CodeDeployApplication>();
  readonly groups = new Map<string, DeploymentGroup>(); // `${application}/${group}`
  readonly deployments = new Map<string, CodeDeployDeployment>();
  readonly runner: BlueGreenRunner;
  /** Predefined and custom deployment configurations (CreateDeploymentConfig). */
  readonly configs = new DeploymentConfigs();

  constructor(
    private readonly ecs: EcsState,
    private readonly counters: AwsCounters,
    timing: DeploymentTiming,
    lambda: LambdaFunctions,
  ) {
    this.runner = new BlueGreenRunner(ecs, timing, lambda);
  }

  createApplication(name: string, computePlatform: CodeDeployApplication['computePlatform'] = 'Server'): CodeDeployApplication {
    if (!name)
      throw new AwsError('ApplicationNameRequiredException', 'The minimum number of required application names was not specified.');
    if (this.applications.has(name)) throw new AwsError('ApplicationAlreadyExistsException', `The application ${name} already exists.`);
    if (!['Server', 'Lambda', 'ECS'].includes(computePlatform)) {
      throw new AwsError('InvalidComputePlatformException', `The computePlatform is invalid: ${computePlatform}`);
    }
    const application = { id: uuid(), name, computePlatform, createTime: new Date() };
    this.applications.set(name, application);
    return application;
  }

  application(name: string | undefined): CodeDeployApplication {
    if (!name)
      throw new AwsError('ApplicationNameRequiredException', 'The minimum number of required application names was not specified.');
    const application = this.applications.get(name);
    if (!application) throw new AwsError('ApplicationDoesNotExistException', `No application found for name: ${name}`);
    return application;
  }

  createDeploymentGroup(input: CreateDeploymentGroupInput): DeploymentGroup {
    const application = this.application(input.applicationName);
    const name = input.deploymentGroupName;
    if (!name) throw new AwsError('DeploymentGroupNameRequiredException', 'The deployment group name was not specified.');
    const key = `${application.name}/${name}`;
    if (this.groups.has(key)) {
      throw new AwsError(
        'DeploymentGroupAlreadyExistsException',
        `The deployment group ${name} already exists for application ${application.name}.`,
      );
    }
    if (application.computePlatform === 'ECS') this.#validateEcsGroup(input);
    if (input.deploymentConfigName !== undefined) this.configs.forPlatform(input.deploymentConfigName, application.computePlatform);
    const group: DeploymentGroup = {
      application,
      id: uuid(),
      name,
      serviceRoleArn: input.serviceRoleArn,
      deploymentConfigName:
        input.deploymentConfigName ??
        (application.computePlatform === 'ECS' ? 'CodeDeployDefault.ECSAllAtOnce' : 'CodeDeployDefault.OneAtATime'),
      deploymentStyle: input.deploymentStyle,
      blueGreenDeploymentConfiguration: input.blueGreenDeploymentConfiguration,
      loadBalancerInfo: input.loadBalancerInfo,
      ecsServices: (input.ecsServices ?? []).map((s) => ({ clusterName: s.clusterName ?? '', serviceName: s.serviceName ?? '' })),
      autoRollbackConfiguration: input.autoRollbackConfiguration,
      productionTargetGroupIndex: 0,
    };
    this.groups.set(key, group);
    return group;
  }

  deploymentGroup(applicationName: string | undefined, groupName: string | undefined): DeploymentGroup {
    const application = this.application(applicationName);
    if (!groupName) throw new AwsError('DeploymentGroupNameRequiredException', 'The deployment group name was not specified.');
    const group = this.groups.get(`${application.name}/${groupName}`);
    if (!group) {
      throw new AwsError(
        'DeploymentGroupDoesNotExistException',
        `The deployment group ${groupName} does not exist for application ${application.name}.`,
      );
    }
    return group;
  }

  createDeployment(input: CreateDeploymentInput): CodeDeployDeployment {
    const group = this.deploymentGroup(input.applicationName, input.deploymentGroupName);
    if (group.application.computePlatform !== 'ECS') {
      throw new AwsError('InvalidComputePlatformException', 'The emulator runs only ECS blue/green deployments.');
    }
    const content = input.revision?.appSpecContent?.content ?? input.revision?.string?.content;
    if (!input.revision) throw new AwsError('RevisionRequiredException', 'The revision ID was not specified.');
    if (!content) throw new AwsError('InvalidRevisionException', 'The revision must carry AppSpec content (revisionType AppSpecContent).');
    const appSpec = parseEcsAppSpec(content);
    const target = group.ecsServices[0];
    if (!target) throw new AwsError('InvalidECSServiceException', `The deployment group ${group.name} names no ECS service.`);
    const service = this.ecs.findService(target.clusterName, target.serviceName);
    const blueTaskSet = service && this.ecs.primaryTaskSet(service);
    if (!service || !blueTaskSet) {
      throw new AwsError(
        'InvalidECSServiceException',
        `The ECS service ${target.serviceName} in cluster ${target.clusterName} does not exist or has no primary task set.`,
      );
    }
    this.#validateTaskDefinition(appSpec);
    const config = this.configs.forPlatform(input.deploymentConfigName ?? group.deploymentConfigName, 'ECS');

    const active = [...this.deployments.values()].find((d) => d.group === group && !TERMINAL_STATUSES.has(d.status));
    if (active) {
      throw new AwsError(
        'DeploymentLimitExceededException',
        `The deployment group ${group.name} already has an active deployment ${active.id}.`,
      );
    }
    const taskDefinition = this.ecs.taskDefinition(appSpec.taskDefinition);
    const targetGroups = group.loadBalancerInfo?.targetGroupPairInfoList?.[0]?.targetGroups ?? [];
    const production = group.productionTargetGroupIndex;
    const now = new Date();
    const deployment: CodeDeployDeployment = {
      id: deploymentId(),
      group,
      description: input.description,
      status: 'Created',
      createTime: now,
      revision: structuredClone(input.revision),
      appSpec,
      service,
      blueTaskSet,
      greenTaskDefinition: taskDefinition.arn,
      blueTargetGroup: targetGroups[production]?.name ?? `${service.name}-tg-1`,
      greenTargetGroup: targetGroups[1 - production]?.name ?? `${service.name}-tg-2`,
      testTrafficOnGreen: false,
      productionTrafficOnGreen: false,
      deploymentConfigName: config.name,
      trafficShifts: trafficShifts(config),
      lifecycleEvents: ECS_LIFECYCLE_EVENTS.map((lifecycleEventName) => ({ lifecycleEventName, status: 'Pending' })),
      targetStatus: 'Pending',
      lastUpdatedAt: now,
      statusMessages: [],
    };
    this.deployments.set(deployment.id, deployment);
    group.lastAttempted = deployment;
    this.counters.deploymentsCreated.increment(`${group.application.name}/${group.name}`);
    this.runner.start(deployment);
    return deployment;
  }

  deployment(id: string | undefined): CodeDeployDeployment {
    if (!id) throw new AwsError('DeploymentIdRequiredException', 'At least one deployment ID must be specified.');
    if (!DEPLOYMENT_ID_PATTERN.test(id)) throw new AwsError('InvalidDeploymentIdException', `The deployment ID ${id} is not valid.`);
    const deployment = this.deployments.get(id);
    if (!deployment) throw new AwsError('DeploymentDoesNotExistException', `The deployment ${id} could not be found.`);
    return deployment;
  }

  /** Newest first, like the console; filtered by group and statuses as ListDeployments is. */
  listDeployments(
    options: { applicationName?: string; deploymentGroupName?: string; includeOnlyStatuses?: DeploymentStatus[] } = {},
  ): CodeDeployDeployment[] {
    if (options.deploymentGroupName && !options.applicationName) {
      throw new AwsError('ApplicationNameRequiredException', 'The application name must be specified when a deployment group name is.');
    }
    const application = options.applicationName ? this.application(options.applicationName) : undefined;
    const group = options.deploymentGroupName ? this.deploymentGroup(options.applicationName, options.deploymentGroupName) : undefined;
    for (const status of options.includeOnlyStatuses ?? []) {
      if (!KNOWN_STATUSES.has(status))
        throw new AwsError('InvalidDeploymentStatusException', `The deployment status ${status} is not valid.`);
    }
    const statuses = options.includeOnlyStatuses?.length ? new Set(options.includeOnlyStatuses) : undefined;
    return [...this.deployments.values()]
      .filter(
        (d) =>
          (!application || d.group.application === application) && (!group || d.group === group) && (!statuses || statuses.has(d.status)),
      )
      .reverse();
  }

  continueDeployment(id: string | undefined, waitType: string | undefined): void {
    if (id) this.counters.continueDeploymentCalls.increment(id);
    const deployment = this.deployment(id);
    if (waitType !== undefined && waitType !== 'READY_WAIT' && waitType !== 'TERMINATION_WAIT') {
      throw new AwsError('InvalidDeploymentWaitTypeException', `The wait type ${waitType} is invalid.`);
    }
    if (waitType === 'TERMINATION_WAIT') {
      // The emulator retires the original task set as soon as traffic has moved: there is no termination wait to end.
      throw new AwsError(
        'DeploymentIsNotInReadyStateException',
        `The deployment ${deployment.id} is not waiting for the original task set to terminate.`,
      );
    }
    this.runner.continue(deployment);
  }

  stopDeployment(id: string | undefined, autoRollbackEnabled: boolean | undefined): void {
    if (id) this.counters.stopDeploymentCalls.increment(id);
    this.runner.stop(this.deployment(id), autoRollbackEnabled);
  }

  putLifecycleEventHookExecutionStatus(
    deploymentId: string | undefined,
    executionId: string | undefined,
    status: string | undefined,
  ): string {
    if (executionId) this.counters.hookStatusReports.increment(executionId);
    const deployment = this.deployment(deploymentId);
    if (!executionId)
      throw new AwsError('InvalidLifecycleEventHookExecutionIdException', 'A lifecycle event hook execution id is required.');
    this.runner.reportHookStatus(deployment.id, executionId, status ?? '');
    this.counters.hookStatusAccepted.increment(executionId);
    return executionId;
  }

  /** The ECS target of a deployment: `<cluster>:<service>`. */
  targetId(deployment: CodeDeployDeployment): string {
    return `${deployment.service.cluster.name}:${deployment.service.name}`;
  }

  dispose(): void {
    this.runner.dispose(this.deployments.values());
  }

  #validateEcsGroup(input: CreateDeploymentGroupInput): void {
    if (input.deploymentStyle?.deploymentType !== 'BLUE_GREEN' || input.deploymentStyle.deploymentOption !== 'WITH_TRAFFIC_CONTROL') {
      throw new AwsError(
        'InvalidDeploymentStyleException',
        'An ECS deployment group must use deploymentType BLUE_GREEN with deploymentOption WITH_TRAFFIC_CONTROL.',
      );
    }
    const services = input.ecsServices ?? [];
    if (services.length !== 1)
      throw new AwsError('InvalidECSServiceException', 'An ECS deployment group must name exactly one ECS service.');
    const { clusterName, serviceName } = services[0]!;
    const service =
      clusterName && serviceName && this.ecs.clusters.has(clusterName) ? this.ecs.findService(clusterName, serviceName) : undefined;
    if (!service)
      throw new AwsError('InvalidECSServiceException', `The ECS service ${serviceName} in cluster ${clusterName} does not exist.`);
    if (service.deploymentController.type !== 'CODE_DEPLOY') {
      throw new AwsError('InvalidECSServiceException', `The ECS service ${serviceName} must use the CODE_DEPLOY deployment controller.`);
    }
    const ready = input.blueGreenDeploymentConfiguration?.deploymentReadyOption;
    if (ready?.actionOnTimeout === 'STOP_DEPLOYMENT' && !(Number(ready.waitTimeInMinutes) > 0)) {
      throw new AwsError(
        'InvalidBlueGreenDeploymentConfigurationException',
        'waitTimeInMinutes must be greater than 0 when actionOnTimeout is STOP_DEPLOYMENT.',
      );
    }
  }

  #validateTaskDefinition(appSpec: EcsAppSpec): void {
    // CodeDeploy would accept the request and fail at Install (ECS_UPDATE_ERROR); failing fast with
    // the exception CodeDeploy uses for bad AppSpec content gives callers the same decision earlier.
    const taskDefinition = this.ecs.findTaskDefinition(appSpec.taskDefinition);
    if (!taskDefinition) {
      throw new AwsError('InvalidRevisionException', `The task definition ${appSpec.taskDefinition} named in the AppSpec does not exist.`);
    }
    const container = taskDefinition.containerDefinitions.find((c) => c.name === appSpec.containerName);
    if (!container) {
      throw new AwsError(
        'InvalidRevisionException',
        `The container ${appSpec.containerName} named in the AppSpec is not in task definition ${taskDefinition.arn}.`,
      );
    }
  }

  summary() {
    return {
      applications: [...this.applications.keys()],
      deploymentGroups: [...this.groups.keys()],
      deployments: [...this.deployments.values()].map((d) => ({
        id: d.id,
        group: `${d.group.application.name}/${d.group.name}`,
        status: d.status,
        taskDefinition: d.greenTaskDefinition,
        lifecycleEvents: d.lifecycleEvents.map((e) => `${e.lifecycleEventName}:${e.status}`),
      })),
      hookExecutions: [...this.runner.hookExecutions.values()].map(
        ({ id, deploymentId: dep, lifecycleEventName, functionName, status }) => ({
          id,
          deploymentId: dep,
          lifecycleEventName,
          functionName,
          status,
        }),
      ),
    };
  }
}
