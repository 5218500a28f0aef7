// What creating a blue/green or progressive CodeDeploy deployment needs: the `switchyard:<id>`
// marker, the ECS AppSpec, and the marker look-up that keeps a retried create from making a second one.
import { BatchGetDeploymentsCommand, ListDeploymentsCommand, type CodeDeployClient } from '@aws-sdk/client-codedeploy';
import type { StartCodeDeployInput } from './codedeploy.js';

export const marker = (deploymentId: string) => `switchyard:${deploymentId}`;

export function appSpecFor(
  input: Pick<StartCodeDeployInput, 'taskDefinitionArn' | 'containerName' | 'containerPort' | 'hookFunction'>,
): string {
  return JSON.stringify({
    version: 0.0,
    Resources: [
      {
        TargetService: {
          Type: 'AWS::ECS::Service',
          Properties: {
            TaskDefinition: input.taskDefinitionArn,
            LoadBalancerInfo: { ContainerName: input.containerName, ContainerPort: input.containerPort },
          },
        },
      },
    ],
    // ECS AppSpec: Hooks is a list of { <lifecycle event>: <Lambda function name or ARN> }.
    ...(input.hookFunction ? { Hooks: [{ AfterAllowTestTraffic: input.hookFunction }] } : {}),
  });
}

const ACTIVE_STATUSES = ['Created', 'Queued', 'InProgress', 'Baking', 'Ready'] as const;

/** Ours among the group's active deployments first (at most one), then among the newest ones. */
export async function findExisting(
  codedeploy: CodeDeployClient,
  input: Pick<StartCodeDeployInput, 'application' | 'group' | 'deploymentId'>,
): Promise<string | undefined> {
  for (const includeOnlyStatuses of [[...ACTIVE_STATUSES], undefined]) {
    const { deployments } = await codedeploy.send(
      new ListDeploymentsCommand({
        applicationName: input.application,
        deploymentGroupName: input.group,
        ...(includeOnlyStatuses ? { includeOnlyStatuses } : {}),
      }),
    );
    if (!deployments?.length) continue;
    const { deploymentsInfo } = await codedeploy.send(new BatchGetDeploymentsCommand({ deploymentIds: deployments.slice(0, 25) }));
    const ours = deploymentsInfo?.find((d) => d.description?.includes(marker(input.deploymentId)))?.deploymentId;
    if (ours) return ours;
  }
  return undefined;
}
