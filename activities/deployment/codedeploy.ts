// Stage 4 and the switch: one CodeDeploy blue/green deployment per workflow (found by the
// `switchyard:<deploymentId>` marker in its description before any create), followed with
// heartbeats and reported lifecycle event by lifecycle event; continued or stopped on decision.
import {
  ContinueDeploymentCommand,
  CreateDeploymentCommand,
  GetDeploymentCommand,
  PutLifecycleEventHookExecutionStatusCommand,
  StopDeploymentCommand,
} from '@aws-sdk/client-codedeploy';
import { Context, sleep } from '@temporalio/activity';
import type { DeployClients } from './clients.js';
import { appSpecFor, findExisting, marker } from './codedeploy-create.js';
import { lifecycleReports, type TaskSetArns } from './codedeploy-lifecycle.js';
import { asActivityFailure, errorName, permanent } from './errors.js';
import { ProgressBatch } from './progress.js';
import type { ProgressReport } from '../../workflows/deployment/messages.js';

export interface StartCodeDeployInput {
  awsConnectionId: string;
  application: string;
  group: string;
  taskDefinitionArn: string;
  containerName: string;
  containerPort: number;
  deploymentId: string;
  /** The AfterAllowTestTraffic hook Lambda (name or ARN); the AppSpec names no hook when absent. */
  hookFunction?: string;
}

export interface AwaitCodeDeployInput {
  awsConnectionId: string;
  codeDeployDeploymentId: string;
  until: 'Ready' | 'Succeeded';
  workflowId: string;
  stage: number;
}

const FINISHED = new Set(['Succeeded', 'Failed', 'Stopped']);

export interface CodeDeployTimings {
  pollMs: number;
}

export function createCodeDeployActivities(clients: DeployClients, timings: CodeDeployTimings) {
  return {
    async startCodeDeploy(input: StartCodeDeployInput): Promise<{ codeDeployDeploymentId: string }> {
      const { codedeploy } = await clients.aws(input.awsConnectionId);
      try {
        const existing = await findExisting(codedeploy, input);
        if (existing) return { codeDeployDeploymentId: existing };
        const created = await codedeploy.send(
          new CreateDeploymentCommand({
            applicationName: input.application,
            deploymentGroupName: input.group,
            description: `${marker(input.deploymentId)} blue/green of ${input.taskDefinitionArn}`,
            revision: { revisionType: 'AppSpecContent', appSpecContent: { content: appSpecFor(input) } },
          }),
        );
        return { codeDeployDeploymentId: created.deploymentId! };
      } catch (error) {
        if (errorName(error) === 'DeploymentLimitExceededException') {
          throw permanent('ECS_DEPLOYMENT_FAILED', `Another CodeDeploy deployment is in progress for ${input.application}/${input.group}`);
        }
        throw asActivityFailure(error, 'ECS_DEPLOYMENT_FAILED', 'CodeDeploy');
      }
    },

    /**
     * Waits for `until`; the result also carries the blue/green task set ARNs and the progress not
     * signalled yet (both recorded in the result: replay-safe).
     */
    async awaitCodeDeploy(input: AwaitCodeDeployInput): Promise<{ status: string; progress?: ProgressReport[] } & TaskSetArns> {
      const { codedeploy } = await clients.aws(input.awsConnectionId);
      const reported = new Set<string>();
      const seen: TaskSetArns = {};
      const progress = new ProgressBatch(input.workflowId);
      const done = (status: string, reports: ProgressReport[]) => {
        const unsent = [...progress.take(), ...reports];
        return { status, ...seen, ...(unsent.length ? { progress: unsent } : {}) };
      };
      try {
        for (;;) {
          const { deploymentInfo } = await codedeploy.send(new GetDeploymentCommand({ deploymentId: input.codeDeployDeploymentId }));
          const status = deploymentInfo?.status ?? 'Unknown';
          const { trafficOnGreen, arns, reports } = await lifecycleReports(codedeploy, input, reported);
          Object.assign(seen, arns);
          if (status === input.until || status === 'Succeeded') return done(status, reports);
          // After the switch, CodeDeploy may keep blue for its termination wait (minutes to days):
          // the switch is done once traffic is on green, and nothing after that may roll it back.
          if (input.until === 'Succeeded' && trafficOnGreen) return done('TrafficSwitched', reports);
          await progress.add(reports);
          if (FINISHED.has(status)) {
            await progress.flush();
            throw permanent(
              'ECS_DEPLOYMENT_FAILED',
              `CodeDeploy deployment ${input.codeDeployDeploymentId} ${status}${deploymentInfo?.errorInformation?.message ? `: ${deploymentInfo.errorInformation.message}` : ''}`,
            );
          }
          Context.current().heartbeat({ status });
          await sleep(timings.pollMs);
        }
      } catch (error) {
        throw asActivityFailure(error, 'ECS_DEPLOYMENT_FAILED', 'CodeDeploy');
      }
    },

    /** Lets production traffic go to green; a no-op when an earlier attempt already did. */
    async continueCodeDeploy({
      awsConnectionId,
      codeDeployDeploymentId,
    }: {
      awsConnectionId: string;
      codeDeployDeploymentId: string;
    }): Promise<void> {
      const { codedeploy } = await clients.aws(awsConnectionId);
      try {
        const { deploymentInfo } = await codedeploy.send(new GetDeploymentCommand({ deploymentId: codeDeployDeploymentId }));
        if (deploymentInfo?.status !== 'Ready') {
          if (deploymentInfo?.status === 'InProgress' || deploymentInfo?.status === 'Succeeded') return;
          throw permanent(
            'ECS_DEPLOYMENT_FAILED',
            `Traffic switch failed: CodeDeploy deployment ${codeDeployDeploymentId} is ${deploymentInfo?.status}`,
          );
        }
        await codedeploy.send(new ContinueDeploymentCommand({ deploymentId: codeDeployDeploymentId, deploymentWaitType: 'READY_WAIT' }));
      } catch (error) {
        throw asActivityFailure(error, 'ECS_DEPLOYMENT_FAILED', 'Traffic switch failed');
      }
    },

    /**
     * Answers an AfterAllowTestTraffic hook execution with Succeeded. Idempotent: CodeDeploy
     * refuses a second answer with LifecycleEventAlreadyCompletedException, which is the outcome we want.
     */
    async reportLifecycleHookSucceeded(input: {
      awsConnectionId: string;
      codeDeployDeploymentId: string;
      hookExecutionId: string;
    }): Promise<{ alreadyCompleted: boolean }> {
      const { codedeploy } = await clients.aws(input.awsConnectionId);
      try {
        await codedeploy.send(
          new PutLifecycleEventHookExecutionStatusCommand({
            deploymentId: input.codeDeployDeploymentId,
            lifecycleEventHookExecutionId: input.hookExecutionId,
            status: 'Succeeded',
          }),
        );
        return { alreadyCompleted: false };
      } catch (error) {
        if (errorName(error) === 'LifecycleEventAlreadyCompletedException') return { alreadyCompleted: true };
        throw asActivityFailure(error, 'ECS_DEPLOYMENT_FAILED', 'CodeDeploy hook status');
      }
    },

    /** Stops with CodeDeploy's auto-rollback (blue keeps production); a no-op once finished. */
    async stopCodeDeploy({
      awsConnectionId,
      codeDeployDeploymentId,
      reason,
    }: {
      awsConnectionId: string;
      codeDeployDeploymentId: string;
      reason: string;
    }): Promise<{ status: string }> {
      // StopDeployment takes no reason: the worker's log says why Switchyard stopped it.
      Context.current().log.info('Stopping CodeDeploy deployment', { codeDeployDeploymentId, reason });
      const { codedeploy } = await clients.aws(awsConnectionId);
      try {
        const { deploymentInfo } = await codedeploy.send(new GetDeploymentCommand({ deploymentId: codeDeployDeploymentId }));
        const status = deploymentInfo?.status ?? 'Unknown';
        if (FINISHED.has(status)) return { status };
        const stopped = await codedeploy.send(
          new StopDeploymentCommand({ deploymentId: codeDeployDeploymentId, autoRollbackEnabled: true }),
        );
        return { status: stopped.status ?? 'Pending' };
      } catch (error) {
        // It finished between our look and the stop (CodeDeploy's own ready timeout, say): nothing left to stop.
        if (errorName(error) === 'DeploymentAlreadyCompletedException') return { status: 'Completed' };
        throw asActivityFailure(error, 'ECS_DEPLOYMENT_FAILED', 'CodeDeploy stop');
      }
    },
  };
}
