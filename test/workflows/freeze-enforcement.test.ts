// Freezes as the deployment workflow itself enforces them (real workflow code, stub activities,
// the real freeze workflow and its reading activity): a deployment admitted before a freeze is
// stopped before CodeDeploy would put its code behind a listener; a rollback passes the freeze;
// and a rollback at the gate follows the service's policy, whoever sends it.
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FreezeService } from '../../api/freezes/freeze-service.js';
import { DEFAULT_APPROVAL_POLICY } from '../../domain/approval-policy.js';
import { rollbackUpdate } from '../../workflows/deployment/messages.js';
import { connectClient } from '../support/temporal.js';
import { deploymentInput, startStubWorker, type StubHarness } from './stub-worker.js';

describe('freezes and rollbacks in the deployment workflow (stub activities)', () => {
  let harness: StubHarness;
  let temporal: Awaited<ReturnType<typeof connectClient>>;
  let freezes: FreezeService;
  const { target } = deploymentInput('unused');
  const serviceKey = `${target.cluster}/${target.service}`;

  beforeAll(async () => {
    harness = await startStubWorker('wf-freeze');
    temporal = await connectClient();
    freezes = new FreezeService(temporal.client, harness.taskQueue, 60_000);
  });
  afterAll(async () => {
    await harness?.close();
    await temporal?.close();
  });

  it('stops a deployment admitted before the freeze right before CodeDeploy, and lets a rollback through', async () => {
    const freeze = await freezes.set({
      scope: [serviceKey],
      reason: 'year-end close',
      startsAt: new Date().toISOString(),
      endsAt: new Date(Date.now() + 3_600_000).toISOString(),
      by: 'test admin',
    });
    try {
      const handle = await harness.start();
      const result = await handle.result();
      expect(result).toMatchObject({ status: 'ROLLED_BACK', finalService: 'blue' });
      expect(result.codeDeployDeploymentId).toBeUndefined();
      expect(result.errorMessage).toBe(
        `Rolled back by switchyard (workflow): stopped before release: Deployments of ${serviceKey} are frozen until ${freeze.endsAt}: year-end close (freeze ${freeze.id})`,
      );
      expect(harness.calls(handle.workflowId)).not.toContain('startCodeDeploy');

      // Undoing is what a freeze allows: a rollback deployment runs to completion.
      const rollback = await harness.start(
        {},
        {
          rollback: {
            of: 'dep_previous01',
            taskDefinitionArn: 'arn:aws:ecs:test:1:task-definition/app:1',
            via: 'api',
            duringFreeze: freeze.id,
          },
        },
      );
      await expect(rollback.result()).resolves.toMatchObject({ status: 'COMPLETED', rollbackOf: 'dep_previous01' });
      expect(harness.calls(rollback.workflowId)).toContain('startCodeDeploy');
    } finally {
      await freezes.lift(freeze.id, 'test admin');
    }
  });

  it('a rollback at the gate follows the policy: an approver outside it is refused, an admin is not', async () => {
    const handle = await harness.start({}, { approvalPolicy: { ...DEFAULT_APPROVAL_POLICY, labels: ['carol'] } });
    await harness.waitFor(handle, (s) => s.status === 'DEPLOYMENT_READY');
    const error = await handle
      .executeUpdate(rollbackUpdate, { args: [{ by: 'mallory', via: 'websocket', role: 'approver' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
    expect(((error as WorkflowUpdateFailedError).cause as ApplicationFailure).message).toBe('mallory is not among the approvers of shop');
    const slack = await handle
      .executeUpdate(rollbackUpdate, { args: [{ by: 'slack:U0STRANGER', via: 'slack', slackUserId: 'U0STRANGER', slackGroups: [] }] })
      .catch((e: unknown) => e);
    expect(((slack as WorkflowUpdateFailedError).cause as ApplicationFailure).message).toMatch(/^No Slack user may roll back shop/);
    await expect(
      handle.executeUpdate(rollbackUpdate, { args: [{ by: 'ops-admin', via: 'api', role: 'admin', reason: 'incident' }] }),
    ).resolves.toEqual({ status: 'ROLLING_BACK' });
    await expect(handle.result()).resolves.toMatchObject({ status: 'ROLLED_BACK', decision: { by: 'ops-admin', via: 'api' } });
  });
});
