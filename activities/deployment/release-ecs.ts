// ECS-native releases (deploymentController ECS): UpdateService with green's task definition and
// the plan's deploymentConfiguration (strategy, canary/linear settings, PAUSE hooks where
// Switchyard decides), followed through DescribeServiceDeployments' lifecycle stages. Idempotent:
// the task definition is stamped with the deployment id (ecs.ts), so a retry finds the service
// deployment that targets it instead of starting another.
import {
  ContinueServiceDeploymentCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServiceRevisionsCommand,
  ListServiceDeploymentsCommand,
  StopServiceDeploymentCommand,
  UpdateServiceCommand,
  type DeploymentLifecycleHook,
  type ECSClient,
  type ServiceDeployment,
} from '@aws-sdk/client-ecs';
import type { EcsEngineConfig } from '../../domain/release-strategy.js';
import { LAMBDA_FUNCTION_ARN } from '../../domain/ecs-lambda-hook.js';
import type { AwaitReleaseInput, ReleaseProgress, ReleaseRef, StartReleaseInput } from './release-types.js';
import { errorName, permanent } from './errors.js';

const FAILED = new Set([
  'ROLLBACK_REQUESTED',
  'ROLLBACK_IN_PROGRESS',
  'ROLLBACK_SUCCESSFUL',
  'ROLLBACK_FAILED',
  'STOP_REQUESTED',
  'STOPPED',
]);
/** ECS's own bound for a PAUSE hook; Switchyard's gate and step timeouts act well before it. */
const PAUSE_TIMEOUT_MINUTES = 1440;

export function ecsDeploymentConfiguration(config: EcsEngineConfig, hook?: { lambdaArn: string; roleArn: string }) {
  const hooks: DeploymentLifecycleHook[] = [
    {
      targetType: 'PAUSE',
      lifecycleStages: config.pauseStages,
      // Unanswered, ECS rolls back: never a silent promotion.
      timeoutConfiguration: { timeoutInMinutes: PAUSE_TIMEOUT_MINUTES, action: 'ROLLBACK' },
    } as DeploymentLifecycleHook,
  ];
  // The "waiting for test" notice, as CodeDeploy's AfterAllowTestTraffic Lambda gives it.
  if (hook)
    hooks.push({
      targetType: 'AWS_LAMBDA',
      hookTargetArn: hook.lambdaArn,
      roleArn: hook.roleArn,
      lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'],
    } as DeploymentLifecycleHook);
  return {
    strategy: config.strategy,
    ...(config.canary ? { canaryConfiguration: config.canary } : {}),
    ...(config.linear ? { linearConfiguration: config.linear } : {}),
    lifecycleHooks: hooks,
  };
}

async function describe(ecs: ECSClient, arn: string): Promise<ServiceDeployment> {
  const { serviceDeployments, failures } = await ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] }));
  const found = serviceDeployments?.[0];
  if (!found) throw permanent('ECS_DEPLOYMENT_FAILED', `ECS service deployment ${arn} not found (${failures?.[0]?.reason ?? 'MISSING'})`);
  return found;
}

/** The service deployment whose target revision runs this task definition (ours: it is stamped with the deployment id). */
async function findExisting(ecs: ECSClient, cluster: string, service: string, taskDefinitionArn: string): Promise<string | undefined> {
  const { serviceDeployments } = await ecs.send(new ListServiceDeploymentsCommand({ cluster, service, maxResults: 10 }));
  const arns = (serviceDeployments ?? []).map((d) => d.serviceDeploymentArn!).filter(Boolean);
  if (!arns.length) return undefined;
  const described = (await ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: arns }))).serviceDeployments ?? [];
  const revisions = described.map((d) => d.targetServiceRevision?.arn).filter((a): a is string => Boolean(a));
  if (!revisions.length) return undefined;
  const { serviceRevisions } = await ecs.send(new DescribeServiceRevisionsCommand({ serviceRevisionArns: revisions }));
  const ours = serviceRevisions?.find((r) => r.taskDefinition === taskDefinitionArn)?.serviceRevisionArn;
  return ours ? described.find((d) => d.targetServiceRevision?.arn === ours)?.serviceDeploymentArn : undefined;
}

export function ecsProgress(d: ServiceDeployment): ReleaseProgress {
  const weight = d.targetServiceRevision?.requestedProductionTrafficWeight ?? 0;
  const hooks = d.lifecycleHookDetails ?? [];
  // A Lambda hook of the same stage still running (the "waiting for test" notice) holds the gate
  // back, as CodeDeploy's Ready follows AfterAllowTestTraffic: nobody is asked before the notice.
  const lambdaRunning = hooks.some((h) => h.targetType === 'AWS_LAMBDA' && h.status === 'IN_PROGRESS');
  const awaiting = lambdaRunning ? undefined : hooks.find((h) => h.targetType === 'PAUSE' && h.status === 'AWAITING_ACTION')?.hookId;
  return { weight, status: d.lifecycleStage ?? d.status ?? 'UNKNOWN', ...(awaiting ? { awaiting } : {}), done: d.status === 'SUCCESSFUL' };
}

export const ecsEngine = {
  async start(ecs: ECSClient, input: StartReleaseInput, config: EcsEngineConfig): Promise<string> {
    const existing = await findExisting(ecs, input.cluster, input.service, input.taskDefinitionArn);
    if (existing) return existing;
    const hook =
      input.hookFunction && LAMBDA_FUNCTION_ARN.test(input.hookFunction) && input.hookRoleArn
        ? { lambdaArn: input.hookFunction, roleArn: input.hookRoleArn }
        : undefined;
    await ecs.send(
      new UpdateServiceCommand({
        cluster: input.cluster,
        service: input.service,
        taskDefinition: input.taskDefinitionArn,
        deploymentConfiguration: ecsDeploymentConfiguration(config, hook),
      }),
    );
    const started = await findExisting(ecs, input.cluster, input.service, input.taskDefinitionArn);
    if (!started)
      throw permanent('ECS_DEPLOYMENT_FAILED', `UpdateService started no service deployment for ${input.cluster}/${input.service}`);
    return started;
  },

  /** One look: where the deployment is; throws permanently once ECS rolled it back or stopped it. */
  async look(ecs: ECSClient, input: AwaitReleaseInput): Promise<ReleaseProgress> {
    const d = await describe(ecs, input.releaseId);
    if (FAILED.has(d.status ?? ''))
      throw permanent('ECS_DEPLOYMENT_FAILED', `ECS service deployment ${d.status}${d.statusReason ? `: ${d.statusReason}` : ''}`);
    return ecsProgress(d);
  },

  /** CONTINUE on the hook named (and only that one: a retry never answers the next pause). */
  async continue(ecs: ECSClient, ref: ReleaseRef, hookId: string): Promise<void> {
    const d = await describe(ecs, ref.releaseId);
    const hook = d.lifecycleHookDetails?.find((h) => h.hookId === hookId);
    if (!hook || hook.status !== 'AWAITING_ACTION') return; // answered by an earlier attempt
    await ecs.send(new ContinueServiceDeploymentCommand({ serviceDeploymentArn: ref.releaseId, hookId, action: 'CONTINUE' }));
  },

  /** ROLLBACK on a hook that awaits an answer, else StopServiceDeployment(ROLLBACK); a no-op once finished. */
  async rollBack(ecs: ECSClient, ref: ReleaseRef): Promise<string> {
    const d = await describe(ecs, ref.releaseId);
    if (d.status !== 'IN_PROGRESS' && d.status !== 'PENDING') return d.status ?? 'UNKNOWN';
    const awaiting = ecsProgress(d).awaiting;
    try {
      if (awaiting)
        await ecs.send(new ContinueServiceDeploymentCommand({ serviceDeploymentArn: ref.releaseId, hookId: awaiting, action: 'ROLLBACK' }));
      else await ecs.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: ref.releaseId, stopType: 'ROLLBACK' }));
    } catch (error) {
      // Finished (or the hook answered) between the look and the call: nothing left to stop.
      if (errorName(error) !== 'ConflictException' && errorName(error) !== 'InvalidParameterException') throw error;
    }
    return (await describe(ecs, ref.releaseId)).status ?? 'UNKNOWN';
  },
};
