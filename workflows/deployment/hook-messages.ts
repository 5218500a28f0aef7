// Messages sent to the deployment workflow by the CodeDeploy lifecycle hook endpoint
// (POST /api/v1/hooks/codedeploy, fed by the AfterAllowTestTraffic Lambda).
import { defineSignal, defineUpdate } from '@temporalio/workflow';

export interface TestTrafficReady {
  codeDeployDeploymentId: string;
  hookExecutionId: string;
}

/**
 * Earlier form, kept so that histories which carry it replay: the API reported the hook itself.
 * Nothing sends it any more.
 */
export const testTrafficReadySignal = defineSignal<[TestTrafficReady]>('testTrafficReady');

export interface TestTrafficHook extends TestTrafficReady {
  /** The AWS connection to answer CodeDeploy with (the deployment's own, unless configured otherwise). */
  awsConnectionId: string;
}

/**
 * CodeDeploy has opened the test listener to green (AfterAllowTestTraffic ran). The workflow
 * records it, posts the Slack notice and answers the hook Succeeded, once per hook execution
 * however many replicas or Lambda retries deliver it: the workflow's state is the record.
 */
export const testTrafficHookUpdate = defineUpdate<{ alreadyReported: boolean }, [TestTrafficHook]>('testTrafficHook');

/** ECS's Lambda hook at POST_TEST_TRAFFIC_SHIFT, as the hook Lambda forwarded it (POST /api/v1/hooks/ecs). */
export interface EcsTestTrafficHook {
  /** The service deployment ECS runs (the payload's `resourceArn`): the release this workflow started. */
  serviceDeploymentArn: string;
  /** The payload's `executionId`: one hook run, the same on ECS's re-invocations. */
  hookExecutionId: string;
}

/**
 * ECS has moved test traffic to green (an ECS-native release). The workflow records "waiting for
 * test" and posts the Slack notice, once per deployment; the Lambda answers ECS itself (hookStatus
 * SUCCEEDED), so nothing is reported to AWS here. Refused for any other service deployment.
 */
export const ecsTestTrafficHookUpdate = defineUpdate<{ alreadyRecorded: boolean }, [EcsTestTrafficHook]>('ecsTestTrafficHook');
