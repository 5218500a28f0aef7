// `/platform-status`: the ECS service as AWS reports it (counts, task definition, task sets), the
// CodeDeploy deployment in progress with its blue/green traffic weights, and Switchyard's own
// running deployments.
import {
  BatchGetDeploymentsCommand,
  BatchGetDeploymentTargetsCommand,
  CodeDeployClient,
  ListDeploymentsCommand,
  ListDeploymentTargetsCommand,
  type DeploymentStatus,
} from '@aws-sdk/client-codedeploy';
import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';
import { awsClientConfig } from '../../common/aws/client-config.js';
import type { AwsCredentialIdentityProvider } from '../../common/aws/credentials.js';
import type { AwsSecret, AwsConnection } from '../../common/connections/connection-store.js';
import type { DeployTarget } from '../../domain/deployment.js';
import { progressText, type ReleaseProgress } from '../../domain/release-progress.js';

export const IN_PROGRESS_CODEDEPLOY_STATUSES: DeploymentStatus[] = ['Created', 'Queued', 'InProgress', 'Baking', 'Ready'];

export interface ServiceStatus {
  ecs: {
    found: boolean;
    desiredCount: number;
    runningCount: number;
    pendingCount: number;
    taskDefinition: string | undefined;
    taskSets: {
      id: string;
      status: string;
      taskDefinition: string | undefined;
      scalePercent: number | undefined;
      runningCount: number | undefined;
    }[];
  };
  codeDeploy: {
    deploymentId: string;
    status: string | undefined;
    /** From the deployment's ECS target: BLUE/GREEN task sets and their traffic weights. */
    taskSets: { label: string; status: string | undefined; trafficWeight: number | undefined; runningCount: number | undefined }[];
  }[];
}

type Target = Pick<DeployTarget, 'cluster' | 'service' | 'codeDeployApplication' | 'codeDeployGroup'>;

export async function readServiceStatus(
  aws: { connection: AwsConnection; secret: AwsSecret },
  endpoint: string | undefined,
  target: Target,
  /** Who assumes a role connection's role (the default provider chain when absent). */
  baseCredentials?: AwsCredentialIdentityProvider,
): Promise<ServiceStatus> {
  const config = awsClientConfig(aws, { endpoint, baseCredentials }, aws.connection.id, 'request');
  const ecs = new ECSClient(config);
  const codedeploy = new CodeDeployClient(config);
  try {
    const [described, listed] = await Promise.all([
      ecs.send(new DescribeServicesCommand({ cluster: target.cluster, services: [target.service] })),
      codedeploy.send(
        new ListDeploymentsCommand({
          applicationName: target.codeDeployApplication,
          deploymentGroupName: target.codeDeployGroup,
          includeOnlyStatuses: IN_PROGRESS_CODEDEPLOY_STATUSES,
        }),
      ),
    ]);
    const service = described.services?.[0];
    const ids = (listed.deployments ?? []).slice(0, 5);
    const infos =
      ids.length > 0 ? ((await codedeploy.send(new BatchGetDeploymentsCommand({ deploymentIds: ids }))).deploymentsInfo ?? []) : [];
    const codeDeploy = await Promise.all(
      ids.map(async (deploymentId) => {
        const info = infos.find((d) => d.deploymentId === deploymentId);
        const taskSets: ServiceStatus['codeDeploy'][number]['taskSets'] = [];
        try {
          const targets = await codedeploy.send(new ListDeploymentTargetsCommand({ deploymentId }));
          if (targets.targetIds?.length) {
            const details = await codedeploy.send(new BatchGetDeploymentTargetsCommand({ deploymentId, targetIds: targets.targetIds }));
            for (const t of details.deploymentTargets ?? []) {
              for (const set of t.ecsTarget?.taskSetsInfo ?? []) {
                taskSets.push({
                  label: set.taskSetLabel ?? '?',
                  status: set.status,
                  trafficWeight: set.trafficWeight,
                  runningCount: set.runningCount,
                });
              }
            }
          }
        } catch {
          // A deployment that has not started its target yet has none to show.
        }
        return { deploymentId, status: info?.status, taskSets };
      }),
    );
    return {
      ecs: {
        found: Boolean(service),
        desiredCount: service?.desiredCount ?? 0,
        runningCount: service?.runningCount ?? 0,
        pendingCount: service?.pendingCount ?? 0,
        taskDefinition: service?.taskDefinition,
        taskSets: (service?.taskSets ?? []).map((s) => ({
          id: s.id ?? '?',
          status: s.status ?? '?',
          taskDefinition: s.taskDefinition,
          scalePercent: s.scale?.value,
          runningCount: s.runningCount,
        })),
      },
      codeDeploy,
    };
  } finally {
    ecs.destroy();
    codedeploy.destroy();
  }
}

const shortArn = (arn: string | undefined) => (arn ? arn.replace(/^arn:aws:ecs:[^:]*:\d+:task-definition\//, '') : 'n/a');

export function formatServiceStatus(
  target: Target,
  status: ServiceStatus,
  running: ({ deploymentId: string; status: string; stage: number | null; version: string | null } & ReleaseProgress)[],
  now = Date.now(),
): string {
  const lines = [`*ECS service* \`${target.cluster}/${target.service}\``];
  if (!status.ecs.found) {
    lines.push('• not found in the cluster');
  } else {
    lines.push(`• desired ${status.ecs.desiredCount} · running ${status.ecs.runningCount} · pending ${status.ecs.pendingCount}`);
    lines.push(`• task definition \`${shortArn(status.ecs.taskDefinition)}\``);
    for (const set of status.ecs.taskSets) {
      lines.push(
        `• task set \`${set.id}\` ${set.status}${set.scalePercent !== undefined ? ` · scale ${set.scalePercent}%` : ''}${set.runningCount !== undefined ? ` · running ${set.runningCount}` : ''} · \`${shortArn(set.taskDefinition)}\``,
      );
    }
  }
  lines.push(`*CodeDeploy* \`${target.codeDeployApplication}/${target.codeDeployGroup}\``);
  if (status.codeDeploy.length === 0) lines.push('• no deployment in progress');
  for (const d of status.codeDeploy) {
    const weights = d.taskSets.map((s) => `${s.label} ${s.trafficWeight ?? 0}%${s.status ? ` (${s.status})` : ''}`).join(', ');
    lines.push(`• \`${d.deploymentId}\` ${d.status ?? '?'}${weights ? ` — traffic ${weights}` : ''}`);
  }
  lines.push('*Switchyard*');
  if (running.length === 0) lines.push('• no deployment running');
  for (const r of running) {
    // A stepped release says where it is: "Step 1 of 3 · 10 % on green · …".
    const progress = progressText(r, now);
    lines.push(
      `• \`${r.deploymentId}\` ${r.status}${r.stage !== null ? ` · stage ${r.stage}` : ''}${r.version ? ` · \`${r.version}\`` : ''}${progress ? ` · ${progress}` : ''}`,
    );
  }
  return lines.join('\n');
}
