// Messages sent to the deployment workflow by the CodeDeploy lifecycle hook endpoint
// (POST /api/v1/hooks/codedeploy, fed by the AfterAllowTestTraffic Lambda).
import { defineSignal } from '@temporalio/workflow';

export interface TestTrafficReady {
  codeDeployDeploymentId: string;
  hookExecutionId: string;
}

/** CodeDeploy has opened the test listener to green (AfterAllowTestTraffic ran); the hook is reported Succeeded by the API. */
export const testTrafficReadySignal = defineSignal<[TestTrafficReady]>('testTrafficReady');
