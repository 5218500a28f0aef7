// The release activities: one interface over both engines (CodeDeploy, ECS-native), so the
// workflow's progressive stages never ask which one runs. `awaitRelease` is the long wait: it polls
// with heartbeats until the engine reaches what the workflow waits for, or waits for Switchyard.
import { Context, sleep } from '@temporalio/activity';
import type { DeployClients } from './clients.js';
import { asActivityFailure } from './errors.js';
import { codeDeployEngine } from './release-codedeploy.js';
import { ecsEngine } from './release-ecs.js';
import type { AwaitReleaseInput, ReleaseProgress, ReleaseRef, StartReleaseInput } from './release-types.js';

export type { AwaitReleaseInput, ReleaseProgress, ReleaseRef, StartReleaseInput } from './release-types.js';

/** Whether `progress` is what `until` waits for. A pause the engine waits at also ends the wait: only Switchyard can answer it. */
export function reached(progress: ReleaseProgress, until: AwaitReleaseInput['until']): boolean {
  if (progress.done) return true;
  if (until === 'done') return false;
  if (until === 'gate') return progress.awaiting !== undefined;
  return progress.weight >= until || progress.awaiting !== undefined;
}

export function createReleaseActivities(clients: DeployClients, timings: { pollMs: number }) {
  return {
    async startRelease(input: StartReleaseInput): Promise<{ releaseId: string }> {
      const { ecs, codedeploy } = await clients.aws(input.awsConnectionId);
      const config = input.plan.engineConfig;
      try {
        const releaseId =
          config.kind === 'ecs' ? await ecsEngine.start(ecs, input, config) : await codeDeployEngine.start(codedeploy, input, config);
        return { releaseId };
      } catch (error) {
        throw asActivityFailure(error, 'ECS_DEPLOYMENT_FAILED', input.plan.engine === 'ECS' ? 'ECS' : 'CodeDeploy');
      }
    },

    async awaitRelease(input: AwaitReleaseInput): Promise<ReleaseProgress> {
      const { ecs, codedeploy } = await clients.aws(input.awsConnectionId);
      try {
        for (;;) {
          const progress = input.engine === 'ECS' ? await ecsEngine.look(ecs, input) : await codeDeployEngine.look(codedeploy, input);
          if (reached(progress, input.until)) return progress;
          Context.current().heartbeat(progress);
          await sleep(timings.pollMs);
        }
      } catch (error) {
        throw asActivityFailure(error, 'ECS_DEPLOYMENT_FAILED', input.engine === 'ECS' ? 'ECS' : 'CodeDeploy');
      }
    },

    /** Answers the pause `awaiting` names (an ECS hook id, or CodeDeploy's Ready wait) with CONTINUE. */
    async continueRelease(input: ReleaseRef & { awaiting: string }): Promise<void> {
      const { ecs, codedeploy } = await clients.aws(input.awsConnectionId);
      try {
        if (input.engine === 'ECS') await ecsEngine.continue(ecs, input, input.awaiting);
        else await codeDeployEngine.continue(codedeploy, input);
      } catch (error) {
        throw asActivityFailure(error, 'ECS_DEPLOYMENT_FAILED', 'Continuing the release failed');
      }
    },

    /** Returns production to blue: ContinueServiceDeployment/StopServiceDeployment ROLLBACK, or StopDeployment. */
    async rollBackRelease(input: ReleaseRef & { reason: string }): Promise<{ status: string }> {
      Context.current().log.info('Rolling the release back', { releaseId: input.releaseId, reason: input.reason });
      const { ecs, codedeploy } = await clients.aws(input.awsConnectionId);
      try {
        return {
          status: input.engine === 'ECS' ? await ecsEngine.rollBack(ecs, input) : await codeDeployEngine.rollBack(codedeploy, input),
        };
      } catch (error) {
        throw asActivityFailure(error, 'ECS_DEPLOYMENT_FAILED', 'Rolling the release back failed');
      }
    },
  };
}
