// The gate's decision rules as the running workflow applies them, on the real workflow code with
// stub activities: switch, rollback during a stage and at the gate, refusals, the switch timeout
// and a cancellation from Temporal. Each case takes well under a second.
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportProgress } from '../../activities/deployment/progress.js';
import { deploymentEventsQuery, rollbackUpdate, switchTrafficUpdate } from '../../workflows/deployment/messages.js';
import { STAGE_MESSAGES } from '../../workflows/deployment/stage-texts.js';
import { FAST_LIMITS, holdFor, latch, startStubWorker, type DeploymentHandle, type StubHarness } from './stub-worker.js';

const byApi = { by: 'tester', via: 'api' as const };

/** The refusal an update's validator threw: its ApplicationFailure type and message. */
async function refusal(promise: Promise<unknown>): Promise<{ type: string | undefined | null; message: string }> {
  const error = await promise.then(
    () => {
      throw new Error('the update was accepted');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (error as WorkflowUpdateFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return { type: (cause as ApplicationFailure).type, message: (cause as ApplicationFailure).message };
}

async function events(handle: DeploymentHandle) {
  return (await handle.query(deploymentEventsQuery, 0)).events;
}

describe('deployment workflow at the gate (stub activities)', () => {
  let harness: StubHarness;
  beforeAll(async () => {
    harness = await startStubWorker('wf-gate');
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('waits at the gate with the awaiting_decision milestone, and completes on a switch', async () => {
    const handle = await harness.start();
    const ready = await harness.waitFor(handle, (s) => s.status === 'DEPLOYMENT_READY');
    expect(ready).toMatchObject({ stage: 4, codeDeployDeploymentId: 'd-STUB00001', greenUrl: 'http://green.test' });
    const waiting = (await events(handle)).filter((e) => e.details['milestone'] === 'awaiting_decision');
    expect(waiting.map((e) => e.message)).toEqual([STAGE_MESSAGES.waitingForSwitch]);

    await expect(handle.executeUpdate(switchTrafficUpdate, { args: [byApi] })).resolves.toMatchObject({
      activeService: 'green',
      approvalsRequired: 1,
    });
    const result = await handle.result();
    expect(result).toMatchObject({
      status: 'COMPLETED',
      stage: 5,
      finalService: 'green',
      decision: { action: 'switch', by: 'tester', via: 'api' },
    });
    const log = await events(handle);
    expect(log.filter((e) => e.details['milestone'] === 'switched').map((e) => e.message)).toEqual([STAGE_MESSAGES.switched]);
    expect(log.some((e) => e.details['milestone'] === 'rolled_back')).toBe(false);
    expect(harness.calls(handle.workflowId).filter((name) => !name.includes('Message'))).toEqual([
      'resolveSource',
      'buildImage',
      'ensureEcrImage',
      'registerTaskDefinition',
      'freezeCovering',
      'startCodeDeploy',
      'awaitCodeDeploy',
      'probeHealth',
      'probeHealth',
      'continueCodeDeploy',
      'awaitCodeDeploy',
      'probeProduction',
    ]);
  });

  it('words structured progress itself, and keeps the text of reports of the earlier form', async () => {
    const handle = await harness.start({
      buildImage: async ({ imageTag, workflowId }) => {
        await reportProgress(workflowId, [
          { key: 'build:1:running', stage: 1, kind: 'build_running', details: { buildUrl: 'https://github.example/runs/1', runId: 1 } },
        ]);
        return { imageTag };
      },
      awaitCodeDeploy: async ({ workflowId, stage }) => {
        await reportProgress(workflowId, [
          {
            key: `cd:${stage}:BeforeInstall`,
            stage,
            kind: 'lifecycle_event',
            details: { lifecycleEvent: 'BeforeInstall', status: 'Succeeded', taskSets: [] },
          },
          { key: `cd:${stage}:old`, stage, message: 'worded by an older worker', details: { lifecycleEvent: 'Install' } },
        ]);
        return { status: 'Ready' };
      },
    });
    await harness.waitFor(handle, (s) => s.status === 'DEPLOYMENT_READY');
    const log = await events(handle);
    expect(log.find((e) => e.details['runId'] === 1)).toMatchObject({
      message: STAGE_MESSAGES.buildRunning,
      details: { stage: 1, buildUrl: 'https://github.example/runs/1' },
    });
    expect(log.find((e) => e.details['lifecycleEvent'] === 'BeforeInstall')).toMatchObject({
      message: STAGE_MESSAGES.lifecycleHook('BeforeInstall'),
      details: { stage: 4 },
    });
    expect(log.find((e) => e.details['lifecycleEvent'] === 'Install')?.message).toBe('worded by an older worker');
    await handle.executeUpdate(rollbackUpdate, { args: [byApi] });
    await handle.result();
  });

  it('refuses a switch before ready; a rollback during stage 1 ends it rolled back with nothing to stop', async () => {
    const handle = await harness.start({ buildImage: holdFor() });
    await harness.waitFor(handle, (s) => s.stage === 1 && s.sha !== undefined);
    expect(await refusal(handle.executeUpdate(switchTrafficUpdate, { args: [byApi] }))).toEqual({
      type: 'NotReady',
      message: 'Deployment is not ready for traffic switch. Current stage: 1',
    });
    await expect(handle.executeUpdate(rollbackUpdate, { args: [{ ...byApi, reason: 'wrong branch' }] })).resolves.toEqual({
      status: 'ROLLING_BACK',
    });
    const result = await handle.result();
    expect(result).toMatchObject({
      status: 'ROLLED_BACK',
      stage: 1,
      finalService: 'blue',
      errorMessage: 'Rolled back by tester (api): wrong branch',
    });
    expect(harness.calls(handle.workflowId)).not.toContain('stopCodeDeploy');
    expect((await events(handle)).filter((e) => e.details['milestone'] === 'rolled_back')).toHaveLength(1);
  });

  it('a rollback during stage 4 stops the CodeDeploy deployment', async () => {
    const handle = await harness.start({ awaitCodeDeploy: holdFor() });
    await harness.waitFor(handle, (s) => s.codeDeployDeploymentId !== undefined);
    await handle.executeUpdate(rollbackUpdate, { args: [byApi] });
    expect(await handle.result()).toMatchObject({
      status: 'ROLLED_BACK',
      stage: 4,
      finalService: 'blue',
      decision: { action: 'rollback' },
    });
    expect(harness.calls(handle.workflowId).slice(-2)).toEqual(['stopCodeDeploy', 'updateDeploymentMessage']);
  });

  it('a rollback at the gate stops CodeDeploy; meanwhile a second rollback and a switch are refused; after the end, any decision is', async () => {
    const stopping = latch();
    const handle = await harness.start({
      stopCodeDeploy: async () => {
        await stopping.wait();
        return { status: 'Stopped' };
      },
    });
    await harness.waitFor(handle, (s) => s.status === 'DEPLOYMENT_READY');
    await handle.executeUpdate(rollbackUpdate, { args: [byApi] });
    await expect.poll(() => harness.calls(handle.workflowId).includes('stopCodeDeploy')).toBe(true);
    expect(await refusal(handle.executeUpdate(rollbackUpdate, { args: [byApi] }))).toEqual({
      type: 'NotRollbackable',
      message: `Deployment ${handle.workflowId} cannot be rolled back in status DEPLOYMENT_READY`,
    });
    expect(await refusal(handle.executeUpdate(switchTrafficUpdate, { args: [byApi] }))).toEqual({
      type: 'NotReady',
      message: 'Deployment is not ready for traffic switch. Current stage: 4',
    });
    stopping.release();
    expect(await handle.result()).toMatchObject({
      status: 'ROLLED_BACK',
      finalService: 'blue',
      errorMessage: 'Rolled back by tester (api)',
    });
    // The workflow has closed: Temporal itself refuses the update (the API answers from the snapshot first).
    await expect(handle.executeUpdate(rollbackUpdate, { args: [byApi] })).rejects.toThrow();
  });

  it('once switched, refuses another switch and a rollback', async () => {
    const switching = latch();
    const handle = await harness.start({
      continueCodeDeploy: async () => {
        await switching.wait();
      },
    });
    await harness.waitFor(handle, (s) => s.status === 'DEPLOYMENT_READY');
    await handle.executeUpdate(switchTrafficUpdate, { args: [byApi] });
    await harness.waitFor(handle, (s) => s.status === 'SWITCHING');
    expect(await refusal(handle.executeUpdate(switchTrafficUpdate, { args: [byApi] }))).toEqual({
      type: 'NotReady',
      message: 'Traffic has already been switched to green',
    });
    expect(await refusal(handle.executeUpdate(rollbackUpdate, { args: [byApi] }))).toEqual({
      type: 'NotRollbackable',
      message: `Deployment ${handle.workflowId} cannot be rolled back in status SWITCHING`,
    });
    switching.release();
    expect(await handle.result()).toMatchObject({ status: 'COMPLETED', finalService: 'green' });
  });

  it('stops and rolls back when nobody decides within the switch timeout', async () => {
    const handle = await harness.start({}, { limits: { ...FAST_LIMITS, switchTimeoutMs: 300 } });
    const result = await handle.result();
    expect(result).toMatchObject({
      status: 'ROLLED_BACK',
      finalService: 'blue',
      decision: { action: 'timeout', by: 'switchyard', via: 'workflow' },
    });
    expect(result.errorMessage).toBe('Switch timed out: no switch within 0 s; stopped and rolled back to blue');
    expect(harness.calls(handle.workflowId)).toContain('stopCodeDeploy');
    expect((await events(handle)).filter((e) => e.details['milestone'] === 'rolled_back')).toHaveLength(1);
  });

  it('a cancellation from Temporal at the gate rolls back and stops CodeDeploy', async () => {
    const handle = await harness.start();
    await harness.waitFor(handle, (s) => s.status === 'DEPLOYMENT_READY');
    await handle.cancel();
    expect(await handle.result()).toMatchObject({
      status: 'ROLLED_BACK',
      errorMessage: 'Rolled back by temporal (workflow): workflow cancelled',
    });
    expect(harness.calls(handle.workflowId)).toContain('stopCodeDeploy');
  });

  it('a cancellation from Temporal during a stage rolls back', async () => {
    const handle = await harness.start({ ensureEcrImage: holdFor() });
    await harness.waitFor(handle, (s) => s.stage === 2);
    await handle.cancel();
    expect(await handle.result()).toMatchObject({
      status: 'ROLLED_BACK',
      stage: 2,
      errorMessage: 'Rolled back by temporal (workflow): workflow cancelled',
    });
    expect(harness.calls(handle.workflowId)).not.toContain('stopCodeDeploy');
  });

  it('a rollback deployment redeploys the known-good task definition without a build or a decision', async () => {
    const handle = await harness.start(
      {},
      { rollback: { of: 'dep-earlier', taskDefinitionArn: 'arn:aws:ecs:test:1:task-definition/app:1' } },
    );
    expect(await handle.result()).toMatchObject({
      status: 'COMPLETED',
      rollbackOf: 'dep-earlier',
      taskDefinitionArn: 'arn:aws:ecs:test:1:task-definition/app:1',
      decision: { action: 'switch', via: 'workflow' },
    });
    const called = harness.calls(handle.workflowId);
    expect(called).toContain('describeServiceTaskDefinition');
    expect(called).not.toContain('buildImage');
  });
});
