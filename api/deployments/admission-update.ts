// The one call that admits a deployment: an update-with-start of its service's admission workflow.
// DeploymentService sends it for every start; the bench sends the same call raw to measure what
// the API adds to it.
import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import { admitDeploymentUpdate, type AdmissionOutcome, type AdmissionRequest } from '../../workflows/service/messages.js';
import { admissionSummary } from '../../domain/run-summaries.js';
import { serviceWorkflowId } from '../../workflows/service/service-key.js';
import { serviceDeploymentsWorkflow } from '../../workflows/service/workflow.js';

/**
 * Asks `serviceKey`'s admission workflow, started if none runs, to admit `admission`. The
 * deployment id is the update id, so a repeated request (an HTTP retry, a Slack retry at another
 * replica) gets the first answer and starts nothing. Rejects with the validator's refusal when
 * the service is busy or its queue full.
 */
export function sendAdmission(
  client: Client,
  admission: AdmissionRequest,
  serviceKey: string,
  taskQueue: string,
  queueCapacity: number,
): Promise<AdmissionOutcome> {
  return client.workflow.executeUpdateWithStart(admitDeploymentUpdate, {
    args: [admission],
    updateId: admission.input.deploymentId,
    startWorkflowOperation: new WithStartWorkflowOperation(serviceDeploymentsWorkflow, {
      workflowId: serviceWorkflowId(serviceKey),
      taskQueue,
      args: [{ serviceKey, queueCapacity }],
      workflowIdConflictPolicy: 'USE_EXISTING',
      staticSummary: admissionSummary(serviceKey),
    }),
  });
}
