// The admission workflow hands its service on when the API says the running deployment has
// closed (deploymentClosed), without waiting for the child-completion notice, which a Temporal
// restart can hold back: a closed deployment never keeps its service locked.
import { WithStartWorkflowOperation, WorkflowUpdateFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admitDeploymentUpdate, deploymentClosedSignal, serviceDeploymentsQuery } from '../../workflows/service/messages.js';
import { serviceWorkflowId } from '../../workflows/service/service-key.js';
import { serviceDeploymentsWorkflow } from '../../workflows/service/workflow.js';
import { connectClient } from '../support/temporal.js';
import { deploymentInput, startStubWorker, type StubHarness } from './stub-worker.js';

describe('admission release on the API\'s word (stub stages)', () => {
  let harness: StubHarness;
  let temporal: Awaited<ReturnType<typeof connectClient>>;
  beforeAll(async () => {
    harness = await startStubWorker('wf-admission');
    temporal = await connectClient();
  });
  afterAll(async () => {
    await harness?.close();
    await temporal?.close();
  });

  it('refuses a second deployment while the first runs, and admits it once told the first has closed', async () => {
    const serviceKey = `stub-cluster/release-${Date.now()}`;
    const admit = (deploymentId: string) => temporal.client.workflow.executeUpdateWithStart(admitDeploymentUpdate, {
      args: [{ input: deploymentInput(deploymentId), memo: {} }],
      updateId: deploymentId,
      startWorkflowOperation: new WithStartWorkflowOperation(serviceDeploymentsWorkflow, {
        workflowId: serviceWorkflowId(serviceKey), taskQueue: harness.taskQueue, args: [{ serviceKey, queueCapacity: 0 }], workflowIdConflictPolicy: 'USE_EXISTING',
      }),
    });
    const first = `dep-first-${Date.now()}`;
    const second = `dep-second-${Date.now()}`;
    await expect(admit(first)).resolves.toEqual({ outcome: 'started', deploymentId: first });
    await expect(admit(second)).rejects.toBeInstanceOf(WorkflowUpdateFailedError);

    const service = temporal.client.workflow.getHandle(serviceWorkflowId(serviceKey));
    await service.signal(deploymentClosedSignal, { deploymentId: first });
    await expect(admit(second)).resolves.toEqual({ outcome: 'started', deploymentId: second });
    expect(await service.query(serviceDeploymentsQuery)).toMatchObject({ running: second });
    for (const id of [first, second]) await temporal.client.workflow.getHandle(id).terminate('test over');
  });
});
