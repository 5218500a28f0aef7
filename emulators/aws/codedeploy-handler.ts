// AWS CodeDeploy operations for ECS blue/green (awsJson1_1, target prefix CodeDeploy_20141006).
import { AwsError } from './aws-error.js';
import { epochSeconds } from './aws-identity.js';
import type { CodeDeployDeployment, DeploymentGroup, DeploymentStatus } from './codedeploy-model.js';
import type { CodeDeployState, CreateDeploymentGroupInput, CreateDeploymentInput } from './codedeploy-state.js';
import { deploymentConfigJson } from './codedeploy-traffic-routing.js';
import type { TaskSet } from './ecs-model.js';
import { optionalString, requiredString } from './json-protocol.js';
import type { JsonService } from './json-protocol.js';

export function codeDeployService(codedeploy: CodeDeployState): JsonService {
  const startedDeployment = (id: string | undefined) => {
    const deployment = codedeploy.deployment(id);
    if (deployment.status === 'Created') {
      throw new AwsError('DeploymentNotStartedException', `The deployment ${deployment.id} has not started yet.`);
    }
    return deployment;
  };

  return {
    targetPrefix: 'CodeDeploy_20141006',
    iamPrefix: 'codedeploy',
    operations: {
      CreateApplication: (input) => ({
        applicationId: codedeploy.createApplication(
          requiredString(input, 'applicationName', 'ApplicationNameRequiredException'),
          input.computePlatform,
        ).id,
      }),

      GetApplication: (input) => {
        const application = codedeploy.application(optionalString(input, 'applicationName'));
        return {
          application: {
            applicationId: application.id,
            applicationName: application.name,
            createTime: epochSeconds(application.createTime),
            linkedToGitHub: false,
            computePlatform: application.computePlatform,
          },
        };
      },

      CreateDeploymentGroup: (input) => ({ deploymentGroupId: codedeploy.createDeploymentGroup(input as CreateDeploymentGroupInput).id }),

      GetDeploymentGroup: (input) => ({
        deploymentGroupInfo: deploymentGroupJson(
          codedeploy.deploymentGroup(optionalString(input, 'applicationName'), optionalString(input, 'deploymentGroupName')),
        ),
      }),

      CreateDeploymentConfig: (input) => ({ deploymentConfigId: codedeploy.configs.create(input).id }),

      GetDeploymentConfig: (input) => ({
        deploymentConfigInfo: deploymentConfigJson(codedeploy.configs.get(optionalString(input, 'deploymentConfigName'))),
      }),

      ListDeploymentConfigs: () => ({ deploymentConfigsList: codedeploy.configs.names() }),

      DeleteDeploymentConfig: (input) => {
        const inUse = (name: string) => [...codedeploy.groups.values()].some((g) => g.deploymentConfigName === name);
        codedeploy.configs.delete(optionalString(input, 'deploymentConfigName'), inUse);
        return {};
      },

      CreateDeployment: (input) => ({ deploymentId: codedeploy.createDeployment(input as CreateDeploymentInput).id }),

      GetDeployment: (input) => ({ deploymentInfo: deploymentInfoJson(codedeploy.deployment(optionalString(input, 'deploymentId'))) }),

      BatchGetDeployments: (input) => {
        const ids = Array.isArray(input.deploymentIds) ? (input.deploymentIds as string[]) : [];
        if (ids.length > 25)
          throw new AwsError(
            'BatchLimitExceededException',
            'The maximum number of names or IDs allowed for this request (25) was exceeded.',
          );
        // Unknown ids are left out, as CodeDeploy does; malformed ones are an error.
        const deployments = ids
          .map((id) => {
            try {
              return codedeploy.deployment(id);
            } catch (error) {
              if (error instanceof AwsError && error.code === 'DeploymentDoesNotExistException') return undefined;
              throw error;
            }
          })
          .filter((d) => d !== undefined);
        return { deploymentsInfo: deployments.map(deploymentInfoJson) };
      },

      ListDeployments: (input) => ({
        deployments: codedeploy
          .listDeployments({
            applicationName: optionalString(input, 'applicationName'),
            deploymentGroupName: optionalString(input, 'deploymentGroupName'),
            includeOnlyStatuses: Array.isArray(input.includeOnlyStatuses) ? (input.includeOnlyStatuses as DeploymentStatus[]) : undefined,
          })
          .map((d) => d.id),
      }),

      ListDeploymentTargets: (input) => ({ targetIds: [codedeploy.targetId(startedDeployment(optionalString(input, 'deploymentId')))] }),

      BatchGetDeploymentTargets: (input) => {
        const deployment = startedDeployment(optionalString(input, 'deploymentId'));
        const ids = Array.isArray(input.targetIds) ? (input.targetIds as string[]) : [];
        if (ids.length === 0) throw new AwsError('DeploymentTargetIdRequiredException', 'A deployment target ID was not provided.');
        const targetId = codedeploy.targetId(deployment);
        return {
          deploymentTargets: ids.map((id) => {
            if (id !== targetId)
              throw new AwsError(
                'DeploymentTargetDoesNotExistException',
                `The target ${id} does not exist in deployment ${deployment.id}.`,
              );
            return { deploymentTargetType: 'ECSTarget', ecsTarget: ecsTargetJson(deployment, targetId) };
          }),
        };
      },

      ContinueDeployment: (input) => {
        codedeploy.continueDeployment(optionalString(input, 'deploymentId'), optionalString(input, 'deploymentWaitType'));
        return {};
      },

      StopDeployment: (input) => {
        codedeploy.stopDeployment(
          optionalString(input, 'deploymentId'),
          typeof input.autoRollbackEnabled === 'boolean' ? input.autoRollbackEnabled : undefined,
        );
        return { status: 'Succeeded', statusMessage: 'The deployment was stopped.' };
      },

      PutLifecycleEventHookExecutionStatus: (input) => ({
        lifecycleEventHookExecutionId: codedeploy.putLifecycleEventHookExecutionStatus(
          optionalString(input, 'deploymentId'),
          optionalString(input, 'lifecycleEventHookExecutionId'),
          optionalString(input, 'status'),
        ),
      }),
    },
  };
}

const seconds = (date: Date | undefined) => (date ? epochSeconds(date) : undefined);

function deploymentGroupJson(group: DeploymentGroup) {
  const summary = (d: CodeDeployDeployment | undefined) =>
    d && {
      deploymentId: d.id,
      status: d.status,
      createTime: epochSeconds(d.createTime),
      endTime: seconds(d.completeTime),
    };
  return {
    applicationName: group.application.name,
    deploymentGroupId: group.id,
    deploymentGroupName: group.name,
    deploymentConfigName: group.deploymentConfigName,
    serviceRoleArn: group.serviceRoleArn,
    deploymentStyle: group.deploymentStyle,
    blueGreenDeploymentConfiguration: group.blueGreenDeploymentConfiguration,
    loadBalancerInfo: group.loadBalancerInfo,
    ecsServices: group.ecsServices,
    autoRollbackConfiguration: group.autoRollbackConfiguration,
    computePlatform: group.application.computePlatform,
    lastAttemptedDeployment: summary(group.lastAttempted),
    lastSuccessfulDeployment: summary(group.lastSuccessful),
  };
}

function deploymentInfoJson(deployment: CodeDeployDeployment) {
  const { group } = deployment;
  const count = (status: string) => (deployment.targetStatus === status ? 1 : 0);
  return {
    applicationName: group.application.name,
    deploymentGroupName: group.name,
    deploymentConfigName: deployment.deploymentConfigName ?? group.deploymentConfigName,
    deploymentId: deployment.id,
    revision: deployment.revision,
    status: deployment.status,
    ...(deployment.errorInformation ? { errorInformation: deployment.errorInformation } : {}),
    createTime: epochSeconds(deployment.createTime),
    startTime: seconds(deployment.startTime),
    completeTime: seconds(deployment.completeTime),
    deploymentOverview: {
      Pending: count('Pending'),
      InProgress: count('InProgress'),
      Succeeded: count('Succeeded'),
      Failed: count('Failed'),
      Skipped: count('Skipped'),
      Ready: count('Ready'),
    },
    description: deployment.description,
    creator: 'user',
    ignoreApplicationStopFailures: false,
    autoRollbackConfiguration: group.autoRollbackConfiguration,
    updateOutdatedInstancesOnly: false,
    ...(deployment.rollbackInfo ? { rollbackInfo: deployment.rollbackInfo } : {}),
    deploymentStyle: group.deploymentStyle,
    instanceTerminationWaitTimeStarted: deployment.status === 'Succeeded',
    blueGreenDeploymentConfiguration: group.blueGreenDeploymentConfiguration,
    loadBalancerInfo: group.loadBalancerInfo,
    deploymentStatusMessages: deployment.statusMessages,
    computePlatform: group.application.computePlatform,
  };
}

function ecsTargetJson(deployment: CodeDeployDeployment, targetId: string) {
  // Canary and linear deployments report the weight of the current shift.
  const greenWeight = deployment.productionTrafficWeight ?? (deployment.productionTrafficOnGreen ? 100 : 0);
  const taskSetInfo = (taskSet: TaskSet, label: 'Blue' | 'Green', trafficWeight: number, targetGroup: string) => ({
    identifer: taskSet.id, // sic: the CodeDeploy API spells it this way
    desiredCount: taskSet.computedDesiredCount,
    pendingCount: taskSet.pendingCount,
    runningCount: taskSet.runningCount,
    status: taskSet.status,
    trafficWeight,
    targetGroup: { name: targetGroup },
    taskSetLabel: label,
  });
  return {
    deploymentId: deployment.id,
    targetId,
    targetArn: deployment.service.arn,
    lastUpdatedAt: epochSeconds(deployment.lastUpdatedAt),
    lifecycleEvents: deployment.lifecycleEvents.map((event) => ({
      lifecycleEventName: event.lifecycleEventName,
      status: event.status,
      startTime: seconds(event.startTime),
      endTime: seconds(event.endTime),
    })),
    status: deployment.targetStatus,
    taskSetsInfo: [
      taskSetInfo(deployment.blueTaskSet, 'Blue', 100 - greenWeight, deployment.blueTargetGroup),
      ...(deployment.greenTaskSet ? [taskSetInfo(deployment.greenTaskSet, 'Green', greenWeight, deployment.greenTargetGroup)] : []),
    ],
  };
}
