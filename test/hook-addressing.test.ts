// The hook addressed by the deployment id the Lambda read from the CodeDeploy deployment's
// description: the real hook route and the real deployment workflow (stub activities). It is
// answered while the workflow has not recorded its CodeDeploy id yet (its CreateDeployment call is
// still out, as after a worker crash), which visibility alone cannot find; and the workflow refuses
// a hook for a CodeDeploy deployment other than the one it follows.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOOK_SECRET_HEADER, registerCodeDeployHookRoutes } from '../api/hooks/routes.js';
import { openConnectionStore } from '../common/connections/open-connection-store.js';
import { createLogger } from '../common/logger.js';
import { loadSlackConfig } from '../common/config/slack.js';
import { buildTestApp } from './support/api.js';
import { connectClient } from './support/temporal.js';
import { latch, startStubWorker, type StubHarness } from './workflows/stub-worker.js';

const HOOK_SECRET = 'hook-addressing-secret-0123456789';

describe('CodeDeploy hook addressed by the Switchyard deployment id', () => {
  let harness: StubHarness;
  let temporal: Awaited<ReturnType<typeof connectClient>>;
  let app: ReturnType<typeof buildTestApp>;
  const reported: { codeDeployDeploymentId: string; hookExecutionId: string }[] = [];

  beforeAll(async () => {
    harness = await startStubWorker('hook-addressing');
    temporal = await connectClient();
    app = buildTestApp(temporal.client, harness.taskQueue);
    registerCodeDeployHookRoutes(app, {
      client: temporal.client,
      connections: openConnectionStore({ dataDir: mkdtempSync(join(tmpdir(), 'hook-addressing-')) }),
      config: loadSlackConfig({ CODEDEPLOY_HOOK_SECRET: HOOK_SECRET }),
      awsEndpoint: undefined,
      logger: createLogger('silent'),
      lookupTimeoutMs: 500,
      // Only this file's deployments may be waiting to record a CodeDeploy id: another file's
      // running deployment cannot turn this file's 404s into 503s.
      taskQueue: harness.taskQueue,
      updateTimeoutMs: 60_000,
    });
  });
  afterAll(async () => {
    await harness?.close();
    await temporal?.close();
  });

  const hook = (body: Record<string, string>) =>
    app.request('/api/v1/hooks/codedeploy', {
      method: 'POST',
      headers: { 'content-type': 'application/json', [HOOK_SECRET_HEADER]: HOOK_SECRET },
      body: JSON.stringify(body),
    });
  const reportStub = async (input: { codeDeployDeploymentId: string; hookExecutionId: string }) => {
    reported.push({ codeDeployDeploymentId: input.codeDeployDeploymentId, hookExecutionId: input.hookExecutionId });
    return { alreadyCompleted: false };
  };

  it('answers a hook whose CodeDeploy id the workflow has not recorded yet, by the id from the description', async () => {
    const createDeploymentAnswer = latch();
    const handle = await harness.start({
      // CodeDeploy has created the deployment, but its answer has not reached the workflow.
      startCodeDeploy: async () => {
        await createDeploymentAnswer.wait();
        return { codeDeployDeploymentId: 'd-LATE00001' };
      },
      reportLifecycleHookSucceeded: reportStub,
    });
    await harness.waitFor(handle, (s) => s.stage === 4 && s.codeDeployDeploymentId === undefined);

    // The event alone: visibility holds no deployment with that CodeDeploy id, so it is not found
    // (404, or 503 once visibility shows this file's deployment at stage 4 without an id).
    const alone = await hook({ DeploymentId: 'd-LATE00001', LifecycleEventHookExecutionId: 'hook-late-1' });
    expect([404, 503]).toContain(alone.status);
    expect(reported.filter((r) => r.hookExecutionId === 'hook-late-1')).toEqual([]);

    // With the id the Lambda read from the CodeDeploy deployment's description: answered now.
    const addressed = await hook({
      DeploymentId: 'd-LATE00001',
      LifecycleEventHookExecutionId: 'hook-late-1',
      SwitchyardDeploymentId: handle.workflowId,
    });
    expect(addressed.status).toBe(200);
    expect(await addressed.json()).toMatchObject({
      data: { deploymentId: handle.workflowId, codeDeployDeploymentId: 'd-LATE00001', status: 'Succeeded', alreadyReported: false },
    });
    expect(reported.filter((r) => r.hookExecutionId === 'hook-late-1')).toEqual([
      { codeDeployDeploymentId: 'd-LATE00001', hookExecutionId: 'hook-late-1' },
    ]);

    createDeploymentAnswer.release();
    const ready = await harness.waitFor(handle, (s) => s.status === 'DEPLOYMENT_READY');
    expect(ready.codeDeployDeploymentId).toBe('d-LATE00001');
    await handle.terminate('test over');
  });

  it('refuses, with 409, a hook for a CodeDeploy deployment other than the one the workflow follows', async () => {
    const handle = await harness.start({ reportLifecycleHookSucceeded: reportStub });
    const ready = await harness.waitFor(handle, (s) => s.status === 'DEPLOYMENT_READY');
    expect(ready.codeDeployDeploymentId).toBe('d-STUB00001');

    const stray = await hook({
      DeploymentId: 'd-STRAY0001',
      LifecycleEventHookExecutionId: 'hook-stray-1',
      SwitchyardDeploymentId: handle.workflowId,
    });
    expect(stray.status).toBe(409);
    expect(await stray.json()).toMatchObject({
      status: 409,
      message: `${handle.workflowId} follows CodeDeploy deployment d-STUB00001, not d-STRAY0001`,
      deploymentId: handle.workflowId,
    });
    expect(reported.filter((r) => r.hookExecutionId === 'hook-stray-1')).toEqual([]);
    // A refused update leaves nothing in history.
    const updates = (await handle.fetchHistory()).events!.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes);
    expect(updates).toEqual([]);
    await handle.terminate('test over');
  });

  it('falls back to visibility when the named workflow does not exist', async () => {
    const res = await hook({
      DeploymentId: 'd-NOBODY001',
      LifecycleEventHookExecutionId: 'hook-nobody',
      SwitchyardDeploymentId: 'dep_doesnotexist',
    });
    // No deployment of this task queue awaits its CodeDeploy id (the earlier ones were terminated):
    // a 404 at once, whatever other files run meanwhile.
    expect(res.status).toBe(404);
  });
});
