// CodeDeploy canary and linear releases: the plan's deployment configuration (a custom
// TimeBased config created first when no predefined one fits, idempotently), then CreateDeployment
// with it. CodeDeploy shifts on its own timer after the Ready wait; progress is the green task
// set's trafficWeight. The same `switchyard:<deploymentId>` marker as blue/green finds a retry's deployment.
import {
  BatchGetDeploymentTargetsCommand,
  ContinueDeploymentCommand,
  CreateDeploymentCommand,
  CreateDeploymentConfigCommand,
  GetDeploymentCommand,
  GetDeploymentConfigCommand,
  ListDeploymentTargetsCommand,
  StopDeploymentCommand,
  type CodeDeployClient,
} from '@aws-sdk/client-codedeploy';
import type { CodeDeployEngineConfig } from '../../domain/release-strategy.js';
import { appSpecFor, findExisting, marker } from './codedeploy-create.js';
import { errorName, permanent } from './errors.js';
import type { AwaitReleaseInput, ReleaseProgress, ReleaseRef, StartReleaseInput } from './release-types.js';

const FINISHED = new Set(['Succeeded', 'Failed', 'Stopped']);

async function ensureConfig(
  codedeploy: CodeDeployClient,
  name: string,
  create: NonNullable<CodeDeployEngineConfig['create']>,
): Promise<void> {
  try {
    await codedeploy.send(new GetDeploymentConfigCommand({ deploymentConfigName: name }));
    return;
  } catch (error) {
    if (errorName(error) !== 'DeploymentConfigDoesNotExistException') throw error;
  }
  const routing =
    create.type === 'TimeBasedCanary'
      ? {
          type: 'TimeBasedCanary' as const,
          timeBasedCanary: { canaryPercentage: create.percentage, canaryInterval: create.intervalMinutes },
        }
      : {
          type: 'TimeBasedLinear' as const,
          timeBasedLinear: { linearPercentage: create.percentage, linearInterval: create.intervalMinutes },
        };
  try {
    await codedeploy.send(
      new CreateDeploymentConfigCommand({ deploymentConfigName: name, computePlatform: 'ECS', trafficRoutingConfig: routing }),
    );
  } catch (error) {
    // Another deployment (or an earlier attempt) created it meanwhile: same name, same shape.
    if (errorName(error) !== 'DeploymentConfigAlreadyExistsException') throw error;
  }
}

/** Green's production weight: its task set's trafficWeight (100 once AfterAllowTraffic succeeded). */
async function greenWeight(codedeploy: CodeDeployClient, deploymentId: string): Promise<number> {
  let targetIds: string[] | undefined;
  try {
    ({ targetIds } = await codedeploy.send(new ListDeploymentTargetsCommand({ deploymentId })));
  } catch (error) {
    if (errorName(error) === 'DeploymentNotStartedException') return 0;
    throw error;
  }
  if (!targetIds?.length) return 0;
  const { deploymentTargets } = await codedeploy.send(new BatchGetDeploymentTargetsCommand({ deploymentId, targetIds }));
  const target = deploymentTargets?.[0]?.ecsTarget;
  if (target?.lifecycleEvents?.some((e) => e.lifecycleEventName === 'AfterAllowTraffic' && e.status === 'Succeeded')) return 100;
  const green = target?.taskSetsInfo?.find((t) => t.taskSetLabel?.toUpperCase() === 'GREEN');
  return Math.round(green?.trafficWeight ?? 0);
}

export const codeDeployEngine = {
  async start(codedeploy: CodeDeployClient, input: StartReleaseInput, config: CodeDeployEngineConfig): Promise<string> {
    const existing = await findExisting(codedeploy, input);
    if (existing) return existing;
    if (config.create && config.deploymentConfigName) await ensureConfig(codedeploy, config.deploymentConfigName, config.create);
    const created = await codedeploy.send(
      new CreateDeploymentCommand({
        applicationName: input.application,
        deploymentGroupName: input.group,
        description: `${marker(input.deploymentId)} ${input.plan.strategy} of ${input.taskDefinitionArn}`,
        ...(config.deploymentConfigName ? { deploymentConfigName: config.deploymentConfigName } : {}),
        revision: { revisionType: 'AppSpecContent', appSpecContent: { content: appSpecFor(input) } },
      }),
    );
    return created.deploymentId!;
  },

  async look(codedeploy: CodeDeployClient, input: AwaitReleaseInput): Promise<ReleaseProgress> {
    const { deploymentInfo } = await codedeploy.send(new GetDeploymentCommand({ deploymentId: input.releaseId }));
    const status = deploymentInfo?.status ?? 'Unknown';
    if (status === 'Failed' || status === 'Stopped') {
      throw permanent(
        'ECS_DEPLOYMENT_FAILED',
        `CodeDeploy deployment ${input.releaseId} ${status}${deploymentInfo?.errorInformation?.message ? `: ${deploymentInfo.errorInformation.message}` : ''}`,
      );
    }
    const weight = status === 'Succeeded' ? 100 : await greenWeight(codedeploy, input.releaseId);
    return { weight, status, ...(status === 'Ready' ? { awaiting: 'Ready' } : {}), done: status === 'Succeeded' };
  },

  /** Ends the Ready wait; a no-op when an earlier attempt already did. */
  async continue(codedeploy: CodeDeployClient, ref: ReleaseRef): Promise<void> {
    const { deploymentInfo } = await codedeploy.send(new GetDeploymentCommand({ deploymentId: ref.releaseId }));
    if (deploymentInfo?.status !== 'Ready') return;
    await codedeploy.send(new ContinueDeploymentCommand({ deploymentId: ref.releaseId, deploymentWaitType: 'READY_WAIT' }));
  },

  /** StopDeployment with auto-rollback: traffic returns to blue; a no-op once finished. */
  async rollBack(codedeploy: CodeDeployClient, ref: ReleaseRef): Promise<string> {
    const { deploymentInfo } = await codedeploy.send(new GetDeploymentCommand({ deploymentId: ref.releaseId }));
    if (FINISHED.has(deploymentInfo?.status ?? '')) return deploymentInfo!.status!;
    try {
      return (
        (await codedeploy.send(new StopDeploymentCommand({ deploymentId: ref.releaseId, autoRollbackEnabled: true }))).status ?? 'Pending'
      );
    } catch (error) {
      if (errorName(error) === 'DeploymentAlreadyCompletedException') return 'Completed';
      throw error;
    }
  },
};
