// The Slack door admits releases as the API does: `/platform-deploy` for a service whose policy
// asks for approval steps on CodeDeploy answers the rule in its reply, and nothing is built (no
// build run, task definition or CodeDeploy deployment in the emulators, no deployment workflow).
// The app wires its own Slack routes here (createApp's), so the gate tested is the one served.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxApiServices, sandboxSlackServices } from '../emulators/wiring/services.js';
import { buildTestApp } from './support/api.js';
import { sideEffects } from './support/side-effects.js';
import { connectClient, startSandboxWorker, uniqueTaskQueue, type SandboxWorker } from './support/temporal.js';
import { commandBody, postSlack, SIGNING_SECRET } from './slack/slack-support.js';

const DEPLOYER = 'U0RELEASER1';

describe('release admission through Slack', () => {
  const taskQueue = uniqueTaskQueue('release-slack');
  let temporal: Awaited<ReturnType<typeof connectClient>>;
  let worker: SandboxWorker;
  let app: ReturnType<typeof buildTestApp>;

  beforeAll(async () => {
    temporal = await connectClient();
    worker = await startSandboxWorker(taskQueue, {
      DEPLOY_APPROVAL_POLICIES: JSON.stringify({
        default: { strategy: { type: 'steps', steps: [{ weight: 10, pause: { approvals: 1 } }, { weight: 100 }] } },
      }),
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_APPROVERS: DEPLOYER,
    });
    const services = sandboxApiServices(worker.config, worker.sandbox);
    const slack = await sandboxSlackServices(worker.config, worker.sandbox, services.connections);
    app = buildTestApp(temporal.client, taskQueue, { slack }, worker);
  });
  afterAll(async () => {
    await worker?.stop();
    await temporal?.close();
  });

  it('/platform-deploy answers the refused rule and starts nothing', async () => {
    const before = sideEffects(worker.sandbox);
    const responseUrl = worker.sandbox.slack.state.newResponseUrl();
    const res = await postSlack(app, '/slack/commands', commandBody('/platform-deploy', 'v1.2.3', { userId: DEPLOYER, responseUrl }));
    expect(res.status).toBe(200);
    const replies = async () =>
      [JSON.stringify(await res.clone().json()), ...worker.sandbox.slack.state.responses(responseUrl).map((r) => String(r['text']))].join(
        '\n',
      );
    await expect.poll(replies, { timeout: 10_000 }).toContain('Release refused (codedeploy-no-approval-steps)');
    expect(sideEffects(worker.sandbox)).toEqual(before);
    expect((await temporal.client.workflow.count(`TaskQueue = '${taskQueue}' AND WorkflowType = 'deploymentWorkflow'`)).count).toBe(0);
  });
});
