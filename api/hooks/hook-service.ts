// What the CodeDeploy hook asks of Temporal and AWS. Switchyard finds the deployment workflow by
// its CodeDeployDeploymentId search attribute and hands the hook to it (testTrafficHook update):
// the workflow records it, posts the AfterAllowTestTraffic Lambda's "ECS 배포: 테스트 대기 중" notice and reports the hook
// Succeeded, once per hook execution, because the workflow's own state is the record: a repeat
// (Lambda retry, another API replica) is answered alreadyReported: true and does nothing. (The
// report activity itself may be retried after a lost answer; CodeDeploy refuses that repeat as
// LifecycleEventAlreadyCompletedException, which the activity takes as done.)
//
// The AWS connection that answers CodeDeploy is the deployment's own (read from the workflow's
// start input: ids only, no secrets), unless CODEDEPLOY_HOOK_AWS_CONNECTION_ID overrides it.
// A deployment that has already ended stopped its CodeDeploy deployment; its hook is answered here.
import {
  CodeDeployClient,
  LifecycleEventAlreadyCompletedException,
  PutLifecycleEventHookExecutionStatusCommand,
} from '@aws-sdk/client-codedeploy';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { awsClientConfig } from '../../common/aws/client-config.js';
import type { AwsCredentialIdentityProvider } from '../../common/aws/credentials.js';
import type { ConnectionStore } from '../../common/connections/connection-store.js';
import type { Logger } from '../../common/logger.js';
import type { SlackConfig } from '../../common/config/slack.js';
import { testTrafficHookUpdate } from '../../workflows/deployment/hook-messages.js';
import { deploymentWorkflow } from '../../workflows/deployment/workflow.js';
import type { DeploymentInput } from '../../domain/deployment.js';
import { ApiError } from '../errors.js';
import { readStartInput, updateProblem } from '../temporal-reads.js';
import { HOOK_ERROR } from './hook-secret.js';
import { sendHook, type HookUpdateDeps } from './hook-update.js';
import { findReleaseWorkflow } from './release-lookup.js';

export { HOOK_ERROR };

export interface HookServiceDeps extends HookUpdateDeps {
  client: Client;
  connections: ConnectionStore;
  config: Pick<SlackConfig, 'hook'>;
  awsEndpoint: string | undefined;
  /** Who assumes role connections' roles (the default provider chain when absent). */
  baseAwsCredentials?: AwsCredentialIdentityProvider | undefined;
  logger: Logger;
}

export interface HookOutcome {
  deploymentId: string;
  codeDeployDeploymentId: string;
  lifecycleEventHookExecutionId: string;
  status: 'Succeeded';
  alreadyReported: boolean;
}

export class CodeDeployHookService {
  private readonly logger: Logger;

  constructor(private readonly deps: HookServiceDeps) {
    this.logger = deps.logger.child({ component: 'codedeploy-hook' });
  }

  /**
   * `switchyardDeploymentId` is what the Lambda read from the CodeDeploy deployment's description:
   * the workflow is then addressed by its id (read-your-writes), and the workflow itself refuses a
   * hook for a CodeDeploy deployment other than its own. Without it (or when no such workflow
   * exists) the deployment is found through visibility.
   */
  async report(codeDeployDeploymentId: string, hookExecutionId: string, switchyardDeploymentId?: string): Promise<HookOutcome> {
    const deploymentId =
      (switchyardDeploymentId && (await this.deploymentWorkflow(switchyardDeploymentId))) ||
      (await findReleaseWorkflow(this.deps, codeDeployDeploymentId, {
        notFound: `No Switchyard deployment has CodeDeploy deployment ${codeDeployDeploymentId}`,
        notRecordedYet: `A deployment at the CodeDeploy stage has not recorded its CodeDeploy id yet (is its worker restarting?): try ${codeDeployDeploymentId} again`,
        details: { codeDeployDeploymentId },
      }));
    const input = await readStartInput<DeploymentInput>(this.deps.client, deploymentId);
    if (!input) throw new ApiError(502, `The start input of ${deploymentId} cannot be read`, { deploymentId }, HOOK_ERROR);
    const awsConnectionId = this.deps.config.hook.awsConnectionId ?? input.awsConnectionId;
    const outcome = { deploymentId, codeDeployDeploymentId, lifecycleEventHookExecutionId: hookExecutionId, status: 'Succeeded' as const };
    try {
      const { alreadyReported } = await sendHook(
        this.deps,
        deploymentId,
        testTrafficHookUpdate,
        [{ codeDeployDeploymentId, hookExecutionId, awsConnectionId }],
        { what: 'The hook', details: { codeDeployDeploymentId } },
      );
      this.logger.info({ deploymentId, codeDeployDeploymentId, alreadyReported }, 'AfterAllowTestTraffic hook handed to the deployment');
      return { ...outcome, alreadyReported };
    } catch (error) {
      if (error instanceof ApiError) throw error;
      const problem = updateProblem(error);
      if (problem?.kind === 'refused' && problem.type === 'NotThisDeployment') {
        this.logger.warn({ deploymentId, codeDeployDeploymentId }, 'hook for a CodeDeploy deployment the workflow does not follow');
        throw new ApiError(409, problem.message, { deploymentId, codeDeployDeploymentId }, HOOK_ERROR);
      }
      if (problem?.kind === 'refused') {
        this.logger.error({ err: error, deploymentId, codeDeployDeploymentId }, 'the deployment could not answer the hook');
        throw new ApiError(
          502,
          `CodeDeploy refused the hook status: ${problem.message}`,
          { deploymentId, codeDeployDeploymentId },
          HOOK_ERROR,
        );
      }
      if (!problem) throw error;
    }
    this.logger.warn({ deploymentId }, 'test traffic hook for a deployment that has ended: answered here');
    const alreadyReported = await this.reportSucceeded(awsConnectionId, codeDeployDeploymentId, hookExecutionId, deploymentId);
    return { ...outcome, alreadyReported };
  }

  /** The workflow id when a deployment workflow of that id exists (running or closed). */
  private async deploymentWorkflow(workflowId: string): Promise<string | undefined> {
    try {
      const description = await this.deps.client.workflow.getHandle(workflowId).describe();
      return description.type === deploymentWorkflow.name ? workflowId : undefined;
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return undefined;
      throw error;
    }
  }

  /** For a deployment that has ended only: a running one answers its hooks itself. */
  private async reportSucceeded(
    awsConnectionId: string,
    codeDeployDeploymentId: string,
    hookExecutionId: string,
    deploymentId: string,
  ): Promise<boolean> {
    const aws = await this.deps.connections.awsSecret(awsConnectionId);
    if (!aws)
      throw new ApiError(
        502,
        `AWS connection ${awsConnectionId} of ${deploymentId} not found: the hook cannot be reported`,
        { deploymentId },
        HOOK_ERROR,
      );
    const access = { endpoint: this.deps.awsEndpoint, baseCredentials: this.deps.baseAwsCredentials };
    const codedeploy = new CodeDeployClient(awsClientConfig(aws, access, deploymentId, 'request'));
    try {
      await codedeploy.send(
        new PutLifecycleEventHookExecutionStatusCommand({
          deploymentId: codeDeployDeploymentId,
          lifecycleEventHookExecutionId: hookExecutionId,
          status: 'Succeeded',
        }),
      );
      return false;
    } catch (error) {
      // Reported already (by the workflow, or another replica): the outcome we want.
      if (error instanceof LifecycleEventAlreadyCompletedException) return true;
      const name = error instanceof Error ? error.name : 'Error';
      this.logger.error({ err: error, deploymentId, codeDeployDeploymentId }, 'PutLifecycleEventHookExecutionStatus failed');
      throw new ApiError(502, `CodeDeploy refused the hook status: ${name}`, { deploymentId, codeDeployDeploymentId }, HOOK_ERROR);
    } finally {
      codedeploy.destroy();
    }
  }
}
