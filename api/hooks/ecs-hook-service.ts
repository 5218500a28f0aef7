// What the ECS hook asks of Temporal: the workflow that follows the service deployment (found by the
// ARN it indexed when it started it) records "waiting for test" and posts the Slack notice, once per
// deployment (ecsTestTrafficHook update). Nothing is reported to AWS: the hook Lambda answers ECS
// itself with the hookStatus this door's status implies (2xx SUCCEEDED, 4xx FAILED, else retry).
import type { Client } from '@temporalio/client';
import type { Logger } from '../../common/logger.js';
import { ecsTestTrafficHookUpdate } from '../../workflows/deployment/hook-messages.js';
import { ApiError } from '../errors.js';
import { updateProblem } from '../temporal-reads.js';
import { HOOK_ERROR } from './hook-secret.js';
import { sendHook, type HookUpdateDeps } from './hook-update.js';
import { findReleaseWorkflow } from './release-lookup.js';

export interface EcsHookServiceDeps extends HookUpdateDeps {
  client: Client;
  logger: Logger;
}

export interface EcsHookOutcome {
  deploymentId: string;
  serviceDeploymentArn: string;
  executionId: string;
  hookStatus: 'SUCCEEDED';
  alreadyRecorded: boolean;
}

export class EcsHookService {
  private readonly logger: Logger;

  constructor(private readonly deps: EcsHookServiceDeps) {
    this.logger = deps.logger.child({ component: 'ecs-hook' });
  }

  async report(serviceDeploymentArn: string, executionId: string): Promise<EcsHookOutcome> {
    const details = { serviceDeploymentArn };
    const deploymentId = await findReleaseWorkflow(this.deps, serviceDeploymentArn, {
      notFound: `No Switchyard deployment has ECS service deployment ${serviceDeploymentArn}`,
      notRecordedYet: `A deployment at the release stage has not recorded its ECS service deployment yet (is its worker restarting?): try ${serviceDeploymentArn} again`,
      details,
    });
    try {
      const { alreadyRecorded } = await sendHook(
        this.deps,
        deploymentId,
        ecsTestTrafficHookUpdate,
        [{ serviceDeploymentArn, hookExecutionId: executionId }],
        { what: 'The test traffic', details },
      );
      this.logger.info({ deploymentId, serviceDeploymentArn, alreadyRecorded }, 'ECS test-traffic hook handed to the deployment');
      return { deploymentId, serviceDeploymentArn, executionId, hookStatus: 'SUCCEEDED', alreadyRecorded };
    } catch (error) {
      if (error instanceof ApiError) throw error;
      const problem = updateProblem(error);
      if (!problem) throw error;
      if (problem.kind === 'refused') {
        this.logger.warn({ deploymentId, serviceDeploymentArn }, 'ECS hook refused by the deployment');
        throw new ApiError(409, problem.message, { deploymentId, ...details }, HOOK_ERROR);
      }
      // Ended: nothing left to record, and a release Switchyard no longer follows must not go on.
      this.logger.warn({ deploymentId, serviceDeploymentArn }, 'ECS hook for a deployment that has ended');
      throw new ApiError(
        409,
        `Deployment ${deploymentId} has ended: its ECS service deployment's test-traffic hook changes nothing`,
        { deploymentId, ...details },
        HOOK_ERROR,
      );
    }
  }
}
