// ECS deployment lifecycle hooks: the runs a stage starts (PAUSE hooks wait AWAITING_ACTION for
// ContinueServiceDeployment; Lambda hooks are invoked and answer with `hookStatus`), the payload a
// Lambda hook receives, and how its answer is read. Developer guide: "Lifecycle hooks for Amazon
// ECS service deployments", "Lambda hooks …", "Pause hooks …".
import type { EcsHookPayload, EcsServiceDeployment, HookRun, LifecycleStage } from './ecs-deployment-model.js';
import { randomBytes } from 'node:crypto';

/** ECS re-invokes a hook that answered IN_PROGRESS after 30 s unless it returns `callBackDelay`. */
const DEFAULT_CALLBACK_SECONDS = 30;

/** The hook runs a stage starts: one per configured hook naming the stage. */
export function startHookRuns(deployment: EcsServiceDeployment, stage: LifecycleStage, now: number, minuteMs: number): HookRun[] {
  const runs: HookRun[] = [];
  deployment.config.lifecycleHooks.forEach((hook, configIndex) => {
    if (!hook.lifecycleStages.includes(stage as never)) return;
    const pause = hook.targetType === 'PAUSE';
    runs.push({
      hookId: `${pause ? 'ecs-pause' : 'ecs-lambda'}-${randomBytes(32).toString('base64url')}`,
      configIndex,
      stage,
      targetType: hook.targetType,
      ...(pause ? {} : { targetArn: hook.hookTargetArn }),
      status: pause ? 'AWAITING_ACTION' : 'IN_PROGRESS',
      expiresAt: new Date(now + hook.timeoutConfiguration.timeoutInMinutes * minuteMs),
      timeoutAction: hook.timeoutConfiguration.action,
      ...(hook.hookDetails !== undefined ? { hookDetails: structuredClone(hook.hookDetails) } : {}),
    });
  });
  deployment.hooks.push(...runs);
  return runs;
}

/** The event a Lambda hook receives: the weights of both revisions and the hook's details. */
export function hookPayload(deployment: EcsServiceDeployment, serviceArn: string, run: HookRun): EcsHookPayload {
  const weights = (green: number) => ({
    ...(deployment.sourceRevisionArn ? { [deployment.sourceRevisionArn]: 100 - green } : {}),
    [deployment.targetRevisionArn]: green,
  });
  return {
    executionDetails: {
      testTrafficWeights: weights(deployment.testWeight),
      productionTrafficWeights: weights(deployment.productionWeight),
      serviceArn,
      targetServiceRevisionArn: deployment.targetRevisionArn,
    },
    executionId: run.hookId,
    lifecycleStage: run.stage,
    resourceArn: deployment.arn,
    ...(run.hookDetails !== undefined ? { hookDetails: run.hookDetails } : {}),
  };
}

export type HookAnswer = { status: 'SUCCEEDED' | 'FAILED'; reason?: string } | { status: 'IN_PROGRESS'; callBackSeconds: number };

/**
 * Reads a Lambda hook's answer. "If your function doesn't return a valid hookStatus, or if it
 * fails, Amazon ECS rolls back the deployment": anything else than the three statuses is FAILED.
 */
export function readHookAnswer(run: HookRun, answer: { result: unknown } | { error: string }): HookAnswer {
  if ('error' in answer) return { status: 'FAILED', reason: `The lifecycle hook ${run.hookId} function failed: ${answer.error}` };
  const result = answer.result && typeof answer.result === 'object' ? (answer.result as Record<string, unknown>) : {};
  if (result.hookDetails !== undefined) run.hookDetails = structuredClone(result.hookDetails);
  switch (result.hookStatus) {
    case 'SUCCEEDED':
      return { status: 'SUCCEEDED' };
    case 'IN_PROGRESS': {
      const delay = result.callBackDelay;
      return { status: 'IN_PROGRESS', callBackSeconds: typeof delay === 'number' && delay >= 0 ? delay : DEFAULT_CALLBACK_SECONDS };
    }
    case 'FAILED':
      return { status: 'FAILED', reason: `The lifecycle hook ${run.hookId} at ${run.stage} returned FAILED.` };
    default:
      return { status: 'FAILED', reason: `The lifecycle hook ${run.hookId} at ${run.stage} did not return a valid hookStatus.` };
  }
}

/** The runs of the current stage that have not finished. */
export function openHookRuns(deployment: EcsServiceDeployment, stage: LifecycleStage | undefined): HookRun[] {
  return deployment.hooks.filter((h) => h.stage === stage && (h.status === 'AWAITING_ACTION' || h.status === 'IN_PROGRESS'));
}
