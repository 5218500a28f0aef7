// The whole loop on a real Temporal server: client → server → worker → activity → result, then
// a replay of the recorded history against the current workflow code.
import { Worker } from '@temporalio/worker';
import { inject } from 'vitest';
import { describe, expect, it } from 'vitest';
import { workerProbeWorkflow } from '../workflows/worker-probe.js';
import { authHeader } from './support/api.js';
import { json } from './support/http.js';
import { sandboxSuite } from './support/sandbox-suite.js';

describe('worker probe workflow', () => {
  const suite = sandboxSuite('probe', { identity: 'probe-test-worker' });

  it('runs the activity on the worker and returns its description', async () => {
    const result = await suite.temporal.client.workflow.execute(workerProbeWorkflow, {
      taskQueue: suite.taskQueue,
      workflowId: `probe-test-${Date.now()}`,
    });
    expect(result).toMatchObject({ workerIdentity: 'probe-test-worker', taskQueue: suite.taskQueue, sandbox: true, attempt: 1 });
    expect(result.workflowId).toMatch(/^probe-test-/);
  });

  it('replays its recorded history deterministically', async () => {
    const handle = await suite.temporal.client.workflow.start(workerProbeWorkflow, {
      taskQueue: suite.taskQueue,
      workflowId: `probe-replay-${Date.now()}`,
    });
    await handle.result();
    const history = await handle.fetchHistory();
    expect(history.events?.length).toBeGreaterThan(5);
    await expect(
      Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') } }, history, handle.workflowId),
    ).resolves.toBeUndefined();
  });

  it('is reachable through the API, and /healthz and /readyz see the worker polling', async () => {
    const probe = await suite.app.request('/api/v1/system/worker-probe', { method: 'POST', headers: authHeader('admin') });
    expect(probe.status).toBe(200);
    const body = await json(probe);
    expect(body).toMatchObject({ code: 200, data: { workerIdentity: 'probe-test-worker', taskQueue: suite.taskQueue } });

    const health = await suite.app.request('/healthz');
    expect(health.status).toBe(200);
    expect(await json(health)).toMatchObject({ status: 'UP', sandbox: true, temporal: { reachable: true }, worker: { polling: true } });

    const ready = await suite.app.request('/readyz');
    expect(ready.status).toBe(200);
    expect(await json(ready)).toMatchObject({
      ready: true,
      temporal: { reachable: true },
      worker: { taskQueue: suite.taskQueue, polling: true },
    });
  });
});
