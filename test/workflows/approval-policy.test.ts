// The approval policy as the running deployment workflow enforces it (real workflow code, stub
// activities): N distinct approvers, separation of duties, who may approve by role, label and
// Slack user or group, and a rollback's required reason. Each refusal says exactly why.
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_APPROVAL_POLICY, type ApprovalPolicy } from '../../domain/approval-policy.js';
import { deploymentEventsQuery, rollbackUpdate, switchTrafficUpdate, type DecisionRequest } from '../../workflows/deployment/messages.js';
import { startStubWorker, type DeploymentHandle, type StubHarness } from './stub-worker.js';

const policy = (patch: Partial<ApprovalPolicy>): ApprovalPolicy => ({ ...DEFAULT_APPROVAL_POLICY, ...patch });
const alice: DecisionRequest = { by: 'alice', via: 'api', role: 'approver' };
const bob: DecisionRequest = { by: 'bob', via: 'api', role: 'approver' };

async function refusal(promise: Promise<unknown>): Promise<{ type: string | undefined | null; message: string }> {
  const error = await promise.then(
    () => {
      throw new Error('the update was accepted');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (error as WorkflowUpdateFailedError).cause as ApplicationFailure;
  return { type: cause.type, message: cause.message };
}

describe('approval policy in the deployment workflow (stub activities)', () => {
  let harness: StubHarness;
  beforeAll(async () => {
    harness = await startStubWorker('wf-approval');
  });
  afterAll(async () => {
    await harness?.close();
  });

  const atGate = async (approvalPolicy: ApprovalPolicy, requestedBy = 'deployer-key'): Promise<DeploymentHandle> => {
    const handle = await harness.start({}, { approvalPolicy, requestedBy });
    await harness.waitFor(handle, (s) => s.status === 'DEPLOYMENT_READY');
    return handle;
  };
  const approve = (handle: DeploymentHandle, request: DecisionRequest) => handle.executeUpdate(switchTrafficUpdate, { args: [request] });

  it('2 of M: the first approval keeps traffic on blue, the same approver twice is refused, a second one switches', async () => {
    const handle = await atGate(policy({ approvals: 2 }));
    const first = await approve(handle, alice);
    expect(first).toMatchObject({
      activeService: 'blue',
      approvalsRequired: 2,
      approvals: [{ who: 'alice', via: 'api', at: expect.any(String) }],
    });
    expect(await refusal(approve(handle, alice))).toEqual({
      type: 'NotApproved',
      message: '2 approvals needed, 1 given: you (alice) already approved',
    });
    const second = await approve(handle, bob);
    expect(second).toMatchObject({ activeService: 'green', approvals: [{ who: 'alice' }, { who: 'bob' }] });
    const result = await handle.result();
    expect(result).toMatchObject({
      status: 'COMPLETED',
      approvalsRequired: 2,
      approvals: [{ who: 'alice' }, { who: 'bob' }],
      decision: { action: 'switch', by: 'bob' },
    });
    // Each approval short of the policy is an event of its own (the stream, WebSocket and console show it).
    const recorded = (await handle.query(deploymentEventsQuery, 0)).events.filter((e) => e.details['milestone'] === 'approval_recorded');
    expect(recorded.map((e) => e.message)).toEqual([
      'Approved by alice via api: 1 of 2 approvals',
      'Approved by bob via api: 2 of 2 approvals',
    ]);
  });

  it('refuses the deployer approving their own deployment when the policy separates duties', async () => {
    const handle = await atGate(policy({ deployerMayApprove: false }), 'alice');
    expect(await refusal(approve(handle, alice))).toEqual({
      type: 'NotApproved',
      message: 'The deployer may not approve their own deployment',
    });
    await expect(approve(handle, bob)).resolves.toMatchObject({ activeService: 'green' });
    await expect(handle.result()).resolves.toMatchObject({ status: 'COMPLETED', approvals: [{ who: 'bob' }] });
  });

  it('separates duties by person: the deployer may not approve through another door either', async () => {
    const handle = await harness.start(
      {},
      { approvalPolicy: policy({ deployerMayApprove: false }), requestedBy: 'alice-ci', requestedByPerson: 'alice' },
    );
    await harness.waitFor(handle, (s) => s.status === 'DEPLOYMENT_READY');
    expect(await refusal(approve(handle, { by: 'slack:U0ALICE', person: 'alice', via: 'slack', slackUserId: 'U0ALICE' }))).toEqual({
      type: 'NotApproved',
      message: 'The deployer may not approve their own deployment',
    });
    await expect(approve(handle, bob)).resolves.toMatchObject({ activeService: 'green' });
    await handle.result();
  });

  it('refuses a role, a label and a Slack user outside the policy', async () => {
    const handle = await atGate(policy({ roles: ['admin'], labels: ['carol'], slackUsers: ['U0APPROVER'] }));
    expect(await refusal(approve(handle, alice))).toEqual({
      type: 'NotApproved',
      message: 'Role approver may not approve deployments of shop (allowed: admin)',
    });
    expect(await refusal(approve(handle, { by: 'dave', via: 'websocket', role: 'admin' }))).toEqual({
      type: 'NotApproved',
      message: 'dave is not among the approvers of shop',
    });
    expect(await refusal(approve(handle, { by: 'slack:U0STRANGER', via: 'slack', slackUserId: 'U0STRANGER', slackGroups: [] }))).toEqual({
      type: 'NotApproved',
      message: 'Slack user U0STRANGER is not among the approvers of shop',
    });
    expect(((await handle.query('deploymentSnapshot')) as { approvals: unknown[] }).approvals).toEqual([]);
    await expect(approve(handle, { by: 'slack:U0APPROVER', via: 'slack', slackUserId: 'U0APPROVER' })).resolves.toMatchObject({
      activeService: 'green',
    });
    await handle.result();
  });

  it('completes with one approval via Slack (as a member of a named group) and one via the API', async () => {
    const handle = await atGate(policy({ approvals: 2, slackGroups: ['S0RELEASE'] }));
    await expect(
      approve(handle, { by: 'slack:U0MEMBER', via: 'slack', slackUserId: 'U0MEMBER', slackGroups: ['S0RELEASE'] }),
    ).resolves.toMatchObject({ activeService: 'blue' });
    await expect(approve(handle, alice)).resolves.toMatchObject({ activeService: 'green' });
    await expect(handle.result()).resolves.toMatchObject({
      status: 'COMPLETED',
      approvals: [
        { who: 'slack:U0MEMBER', via: 'slack' },
        { who: 'alice', via: 'api' },
      ],
    });
  });

  it('counts one person once across doors: the same person by Slack or another key is "already approved"', async () => {
    const handle = await atGate(policy({ approvals: 2, slackUsers: ['U0ALICE', 'U0BOB'] }));
    await expect(approve(handle, { by: 'alice-key', person: 'alice', via: 'api', role: 'approver' })).resolves.toMatchObject({
      activeService: 'blue',
      approvals: [{ who: 'alice-key', person: 'alice', via: 'api' }],
    });
    expect(await refusal(approve(handle, { by: 'slack:U0ALICE', person: 'alice', via: 'slack', slackUserId: 'U0ALICE' }))).toEqual({
      type: 'NotApproved',
      message: '2 approvals needed, 1 given: you (alice, as alice-key via api) already approved',
    });
    expect(await refusal(approve(handle, { by: 'alice-laptop', person: 'alice', via: 'websocket', role: 'approver' }))).toEqual({
      type: 'NotApproved',
      message: '2 approvals needed, 1 given: you (alice, as alice-key via api) already approved',
    });
    // Without a known person, distinct names stay distinct approvers (as before identities existed).
    await expect(approve(handle, { by: 'slack:U0BOB', via: 'slack', slackUserId: 'U0BOB' })).resolves.toMatchObject({
      activeService: 'green',
    });
    const result = await handle.result();
    expect(result).toMatchObject({ status: 'COMPLETED', approvals: [{ who: 'alice-key', person: 'alice' }, { who: 'slack:U0BOB' }] });
    const recorded = (await handle.query(deploymentEventsQuery, 0)).events.filter((e) => e.details['milestone'] === 'approval_recorded');
    expect(recorded.map((e) => e.message)).toEqual([
      'Approved by alice (alice-key) via api: 1 of 2 approvals',
      'Approved by slack:U0BOB via slack: 2 of 2 approvals',
    ]);
  });

  it('asks for a reason to roll back when the policy requires one', async () => {
    const handle = await atGate(policy({ rollbackReasonRequired: true }));
    expect(await refusal(handle.executeUpdate(rollbackUpdate, { args: [alice] }))).toEqual({
      type: 'NotRollbackable',
      message: 'A reason is required to roll back deployments of shop',
    });
    await handle.executeUpdate(rollbackUpdate, { args: [{ ...alice, reason: 'green returns 500s' }] });
    await expect(handle.result()).resolves.toMatchObject({
      status: 'ROLLED_BACK',
      decision: { action: 'rollback', reason: 'green returns 500s' },
    });
  });
});
