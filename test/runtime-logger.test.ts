// The Temporal runtime's logs through pino, end to end: this test process installs the runtime
// with the pino-backed logger (as worker/main.ts does), runs a real workflow and activity on the
// test server, and reads the JSON lines: the SDK's workflow and activity lines carry their ids.
import { Runtime } from '@temporalio/worker';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../common/logger.js';
import { PinoRuntimeLogger, runtimeLogFields } from '../worker/runtime-logger.js';
import { workerProbeWorkflow } from '../workflows/worker-probe.js';
import { sandboxSuite } from './support/sandbox-suite.js';

const lines: string[] = [];
const stream = new Writable({
  write(chunk, _encoding, done) {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    done();
  },
});
// Before any worker: the runtime is installed once per process, and installQuietRuntime keeps this one.
Runtime.install({
  logger: new PinoRuntimeLogger(createLogger('debug', 'switchyard-worker', stream)),
  shutdownSignals: [],
  telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } },
});

describe('Temporal runtime logs through pino', () => {
  const suite = sandboxSuite('runtime-logger', { identity: 'runtime-logger-worker' });

  it('logs the workflow and its activity with workflowId, runId and activityType', async () => {
    const workflowId = `runtime-logger-${Date.now()}`;
    const handle = await suite.temporal.client.workflow.start(workerProbeWorkflow, { taskQueue: suite.taskQueue, workflowId });
    await handle.result();
    const runId = handle.firstExecutionRunId;
    const entries = lines.map((line) => JSON.parse(line));

    const workflowLines = entries.filter(
      (entry) => entry.workflowId === workflowId && entry.sdkComponent === 'worker' && /^Workflow /.test(entry.msg),
    );
    expect(workflowLines.map((entry) => entry.msg)).toEqual(expect.arrayContaining(['Workflow started', 'Workflow completed']));
    for (const entry of workflowLines)
      expect(entry).toMatchObject({ runId, taskQueue: suite.taskQueue, name: 'switchyard-worker', level: 20 });

    const activityLines = entries.filter((entry) => entry.workflowId === workflowId && entry.activityType);
    expect(activityLines.map((entry) => entry.msg)).toEqual(expect.arrayContaining(['Activity started', 'Activity completed']));
    for (const entry of activityLines) {
      expect(entry).toMatchObject({ runId, activityType: expect.any(String) });
      expect(entry).not.toHaveProperty('taskToken'); // it can complete the activity: never logged
    }
  });

  it('names run ids alike for workflows and activities, and hands errors to pino as err', () => {
    expect(runtimeLogFields({ workflowRunId: 'r1', taskToken: 'dG9rZW4=', activityType: 'a' })).toEqual({ runId: 'r1', activityType: 'a' });
    const error = new Error('boom');
    expect(runtimeLogFields({ runId: 'r2', error })).toEqual({ runId: 'r2', err: error });
    expect(runtimeLogFields(undefined)).toEqual({});
  });
});
