// The history budget on the path a new user of `npm start` takes: the sandbox at its default speed
// and poll interval, the AfterAllowTestTraffic hook wired to the API, a deployment with a tag
// version, switched as soon as it is ready. test/deployment.test.ts checks the budget on the fast
// test sandbox (no hook, 40 ms steps), which records fewer progress reports than this path.
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SANDBOX_POLL_MS } from '../common/config/config.js';
import { connectSandboxHook, SANDBOX_HOOK_FUNCTION, SANDBOX_SLACK } from '../emulators/sandbox.js';
import { sandboxApiServices, sandboxSlackServices } from '../emulators/wiring/services.js';
import { ECS_LIFECYCLE_EVENTS } from '../emulators/aws/codedeploy-model.js';
import { deploymentEventsQuery } from '../workflows/deployment/messages.js';
import { buildTestApp } from './support/api.js';
import { client } from './support/deploy-flow.js';
import { serveApp, type ServedApp } from './support/http-server.js';
import { connectClient, startSandboxWorker, uniqueTaskQueue, type SandboxWorker } from './support/temporal.js';

/** The deployment workflow's history budget (events), whatever path it took to COMPLETED. */
const HISTORY_BUDGET = 150;

describe('history budget on the default sandbox path', () => {
  const taskQueue = uniqueTaskQueue('budget');
  let temporal: Awaited<ReturnType<typeof connectClient>>;
  let worker: SandboxWorker;
  let served: ServedApp;
  let api: ReturnType<typeof client>;

  beforeAll(async () => {
    temporal = await connectClient();
    // npm start's sandbox: default emulator steps (stepMs unset) and the sandbox poll interval
    // (what DEPLOY_POLL_MS unset means there), with the hook function the launcher installs.
    worker = await startSandboxWorker(taskQueue, { DEPLOY_POLL_MS: String(SANDBOX_POLL_MS) }, 'budget-worker', {
      stepMs: undefined,
      hookFunction: SANDBOX_HOOK_FUNCTION,
    });
    // The hook route reaches the workflow through the API's Slack services, as npm start wires them.
    const services = sandboxApiServices(worker.config, worker.sandbox);
    const slack = await sandboxSlackServices(worker.config, worker.sandbox, services.connections);
    const app = buildTestApp(temporal.client, taskQueue, { ...services, slack }, worker);
    served = await serveApp(app.fetch);
    connectSandboxHook(worker.sandbox, `${served.url}/api/v1/hooks/codedeploy`, SANDBOX_SLACK.hookSecret);
    api = client(app);
  });
  afterAll(async () => {
    await served?.close();
    await worker?.stop();
    await temporal?.close();
  });

  it('stays under the budget from deploy with a tag version to COMPLETED, and replays', async () => {
    const connection = await api.connect();
    const id = (await api.deploy(connection, { version: 'v1.2.3' })).body.data.deploymentId as string;
    await api.reach(id, 'DEPLOYMENT_READY', 50);
    expect((await api.call('POST', `/api/v1/deploy/${id}/switch`, undefined, 'approver')).status).toBe(200);
    await api.reach(id, 'COMPLETED', 50);

    const history = await temporal.client.workflow.getHandle(id).fetchHistory();
    const events = history.events ?? [];
    // The path really was the default one: the hook answered through the workflow's update.
    expect(events.some((e) => e.workflowExecutionUpdateAcceptedEventAttributes)).toBe(true);
    const types = events.reduce<Record<string, number>>(
      (acc, e) => ({ ...acc, [String(e.eventType)]: (acc[String(e.eventType)] ?? 0) + 1 }),
      {},
    );
    expect(events.length, JSON.stringify(types)).toBeLessThan(HISTORY_BUDGET);
    // Batched progress loses nothing: every CodeDeploy lifecycle event is in the log once, in
    // CodeDeploy's order, the last ones from the activity's result rather than a signal.
    const { events: logged } = await temporal.client.workflow.getHandle(id).query(deploymentEventsQuery, 0);
    const lifecycle = logged.map((e) => (e.details as { lifecycleEvent?: string } | undefined)?.lifecycleEvent).filter(Boolean);
    expect(lifecycle).toEqual([...ECS_LIFECYCLE_EVENTS]);
    await expect(
      Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') } }, history, id),
    ).resolves.toBeUndefined();
  });
});
