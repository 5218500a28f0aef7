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
