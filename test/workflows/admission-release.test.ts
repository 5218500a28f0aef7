// The admission workflow hands its service on when the API says the running deployment has
// closed (deploymentClosed), without waiting for the child-completion notice, which a Temporal
// restart can hold back: a closed deployment never keeps its service locked. And a newer
// deployment supersedes one waiting at the gate when the service's policy says so.
import { WithStartWorkflowOperation, WorkflowUpdateFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_APPROVAL_POLICY } from '../../domain/approval-policy.js';
import { deploymentSnapshotQuery } from '../../workflows/deployment/messages.js';
import { admitDeploymentUpdate, deploymentClosedSignal, serviceDeploymentsQuery } from '../../workflows/service/messages.js';
import { serviceWorkflowId } from '../../workflows/service/service-key.js';
import { serviceDeploymentsWorkflow } from '../../workflows/service/workflow.js';
import { connectClient } from '../support/temporal.js';
import { deploymentInput, startStubWorker, type StubHarness } from './stub-worker.js';

describe("admission release on the API's word (stub stages)", () => {
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
    const admit = (deploymentId: string) =>
      temporal.client.workflow.executeUpdateWithStart(admitDeploymentUpdate, {
        args: [{ input: deploymentInput(deploymentId), memo: {} }],
        updateId: deploymentId,
        startWorkflowOperation: new WithStartWorkflowOperation(serviceDeploymentsWorkflow, {
          workflowId: serviceWorkflowId(serviceKey),
          taskQueue: harness.taskQueue,
          args: [{ serviceKey, queueCapacity: 0 }],
          workflowIdConflictPolicy: 'USE_EXISTING',
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

  it('a newer deployment supersedes the one waiting at the gate when the policy says so: it queues, the older one rolls back', async () => {
    const serviceKey = `stub-cluster/supersede-${Date.now()}`;
    const approvalPolicy = { ...DEFAULT_APPROVAL_POLICY, onNewerDeployment: 'supersede' as const };
    const admit = (deploymentId: string) =>
      temporal.client.workflow.executeUpdateWithStart(admitDeploymentUpdate, {
        args: [{ input: deploymentInput(deploymentId, { approvalPolicy }), memo: {} }],
        updateId: deploymentId,
        startWorkflowOperation: new WithStartWorkflowOperation(serviceDeploymentsWorkflow, {
          workflowId: serviceWorkflowId(serviceKey),
          taskQueue: harness.taskQueue,
          args: [{ serviceKey, queueCapacity: 0 }],
          workflowIdConflictPolicy: 'USE_EXISTING',
        }),
      });
    const older = `dep-older-${Date.now()}`;
    const newer = `dep-newer-${Date.now()}`;
    await admit(older);
    const olderHandle = temporal.client.workflow.getHandle(older);
    await expect.poll(async () => (await olderHandle.query(deploymentSnapshotQuery)).status, { timeout: 15_000 }).toBe('DEPLOYMENT_READY');
    await expect(admit(newer)).resolves.toEqual({ outcome: 'queued', deploymentId: newer, position: 1, runningDeploymentId: older });
    await expect(olderHandle.result()).resolves.toMatchObject({
      status: 'ROLLED_BACK',
      decision: { action: 'rollback', by: 'switchyard', reason: `superseded by ${newer}` },
    });
    const newerHandle = temporal.client.workflow.getHandle(newer);
    await expect.poll(async () => (await newerHandle.query(deploymentSnapshotQuery)).status, { timeout: 15_000 }).toBe('DEPLOYMENT_READY');
    await newerHandle.terminate('test over');
  });
});
