// How both hook doors hand a hook to its deployment workflow: an update, within
// TEMPORAL_UPDATE_TIMEOUT_SECONDS like every other, and at most 15 s. No answer in time is a 503 in the hook's shape,
// which has the Lambda try again as for any 5xx (CodeDeploy's handler within its retry budget, ECS's
// with IN_PROGRESS and callBackDelay). Safe: the workflow answers a hook once however often it
// arrives (CodeDeploy's per hook execution, ECS's per deployment), so a repeat changes nothing.
import type { WorkflowHandle } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { ApiError } from '../errors.js';
import { executeBounded, UpdateUndecided } from '../temporal-update.js';
import { HOOK_ERROR } from './hook-secret.js';
import type { ReleaseLookupDeps } from './release-lookup.js';

export interface HookUpdateDeps extends ReleaseLookupDeps {
  /** TEMPORAL_UPDATE_TIMEOUT_SECONDS: how long a hook waits for its deployment's answer. */
  updateTimeoutMs: number;
}

/**
 * A hook waits less than the others: the hook Lambda gives each try 20 s (SWITCHYARD_HOOK_TIMEOUT_MS)
 * and must hear the 503 to try again; a try it abandons would leave its update waiting on the
 * workflow's in-flight update limit, which people's switch and stop share.
 */
const HOOK_UPDATE_BOUND_MS = 15_000;

/** The update's answer; an ApiError 503 when none came in time, any other failure as the SDK threw it. */
export async function sendHook<Ret, Args extends [unknown, ...unknown[]]>(
  deps: HookUpdateDeps,
  deploymentId: string,
  update: UpdateDefinition<Ret, Args>,
  args: Args,
  undecided: { what: string; details: Record<string, string> },
): Promise<Ret> {
  const handle: WorkflowHandle = deps.client.workflow.getHandle(deploymentId);
  try {
    return await executeBounded(
      { client: deps.client, timeoutMs: Math.min(deps.updateTimeoutMs, HOOK_UPDATE_BOUND_MS) },
      handle,
      update,
      args,
    );
  } catch (error) {
    if (!(error instanceof UpdateUndecided)) throw error;
    throw new ApiError(
      503,
      `No answer from deployment ${deploymentId} within ${error.seconds} s (is a worker running?). ` +
        `${undecided.what} may still be recorded: calling again is safe, the deployment answers it once`,
      { deploymentId, ...undecided.details },
      HOOK_ERROR,
    );
  }
}
