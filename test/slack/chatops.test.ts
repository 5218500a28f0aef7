// ChatOps end to end on a real Temporal server: signed slash commands and button clicks through the
// app's /slack routes → DeploymentService → worker → GitHub/AWS emulators; replies and message
// updates land in the Slack emulator through response_url and the real @slack/web-api client.
import type { WebClient } from '@slack/web-api';
import { sandboxApiServices } from '../../emulators/wiring/services.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackActivities } from '../../activities/slack/index.js';
import { DeploymentService } from '../../api/deployments/deployment-service.js';
import { FreezeService } from '../../api/freezes/freeze-service.js';
import { viewOfSnapshot } from '../../activities/slack/blocks.js';
import { SlashCommands } from '../../api/slack/commands.js';
import { registerSlackRoutes, type SlackRoutes } from '../../api/slack/routes.js';
import type { ConnectionStore } from '../../common/connections/connection-store.js';
import { createLogger } from '../../common/logger.js';
import { createSlackWebClient, loadSlackConfig, type SlackConfig } from '../../common/config/slack.js';
import { ACCOUNT_ID } from '../../emulators/aws/index.js';
import { SANDBOX_CREDENTIALS, SANDBOX_SERVICE } from '../../emulators/sandbox.js';
import { startSlackEmulator, type RunningSlackEmulator } from '../../emulators/slack/index.js';
import { buildTestApp } from '../support/api.js';
import { client } from '../support/deploy-flow.js';
import { serveApp, type ServedApp } from '../support/http-server.js';
import { sideEffects } from '../support/side-effects.js';
import type { Json } from '../support/http.js';
import { connectClient, startSandboxWorker, uniqueTaskQueue, type SandboxWorker } from '../support/temporal.js';
import {
  APPROVER,
  BOT_TOKEN,
  CHANNEL,
  clickBody,
  commandBody,
  INTRUDER,
  postSlack,
  SIGNING_SECRET,
  signedHeaders,
} from './slack-support.js';

type Block = { type: string; elements?: { action_id?: string; value?: string }[] };

describe('Slack ChatOps', () => {
  const taskQueue = uniqueTaskQueue('slack');
  const logger = createLogger('silent');
  let temporal: Awaited<ReturnType<typeof connectClient>>;
  let worker: SandboxWorker;
  let slack: RunningSlackEmulator;
  let web: WebClient;
  let config: SlackConfig;
  let connections: ConnectionStore;
  let deployments: DeploymentService;
  let freezes: FreezeService;
  let app: ReturnType<typeof buildTestApp>;
  let routes: SlackRoutes;
  let api: ReturnType<typeof client>;
  let service: string;
  let gifs: ServedApp;
  const started: string[] = [];

  beforeAll(async () => {
    temporal = await connectClient();
    worker = await startSandboxWorker(taskQueue);
    slack = await startSlackEmulator({ botToken: BOT_TOKEN });
    gifs = await serveApp(
      () => new Response(new Uint8Array([0x47, 0x49, 0x46, 0x38, 0x39, 0x61]), { headers: { 'content-type': 'image/gif' } }),
    );
    const services = sandboxApiServices(worker.config, worker.sandbox);
    connections = services.connections;
    // Connections as POST /api/v1/connect/* stores them (routes cannot be added once the app has served).
    const github = await connections.addGitHub(
      { owner: SANDBOX_SERVICE.owner, repo: SANDBOX_SERVICE.repo, branch: 'main' },
      { token: SANDBOX_CREDENTIALS.githubToken },
    );
    const aws = await connections.addAws(
      { region: SANDBOX_CREDENTIALS.region, accountId: ACCOUNT_ID },
      { accessKeyId: SANDBOX_CREDENTIALS.awsAccessKeyId, secretAccessKey: SANDBOX_CREDENTIALS.awsSecretAccessKey },
    );
    config = loadSlackConfig({
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_CHANNEL_ID: CHANNEL,
      SLACK_APPROVERS: `UOTHER, ${APPROVER}`,
      SLACK_API_URL: slack.apiUrl,
      SLACK_DEFAULT_GITHUB_CONNECTION_ID: github.id,
      SLACK_DEFAULT_AWS_CONNECTION_ID: aws.id,
      // Served here: the Slack emulator fetches image URLs as Slack does and refuses what it cannot fetch.
      GIF_BASE_URL: gifs.url,
    });
    web = createSlackWebClient(config, { retries: 0 })!;
    app = buildTestApp(temporal.client, taskQueue, {}, worker);
    freezes = new FreezeService(temporal.client, taskQueue, 60_000);
    // As the app wires it: SLACK_APPROVERS and SLACK_DEPLOYERS are resolved into each deployment's policy.
    deployments = new DeploymentService(
      temporal.client,
      taskQueue,
      connections,
      { ...services.deploy.defaults, slack: config },
      undefined,
      freezes,
    );
    routes = registerSlackRoutes(app, {
      deployments,
      connections,
      slack: web,
      config,
      awsEndpoint: services.deploy.awsEndpoint,
      logger,
      publicUrl: 'http://switchyard.test',
    });
    api = client(app);
    service = `${SANDBOX_SERVICE.cluster}/${worker.sandbox.target.service}`;
  });
  afterAll(async () => {
    for (const id of started)
      await temporal.client.workflow
        .getHandle(id)
        .terminate('test finished')
        .catch(() => undefined);
    await worker?.stop();
    await slack?.close();
    await gifs?.close();
    await temporal?.close();
  });

  /** Sends a slash command; returns the ack and, once the work is done, the follow-ups at its response_url. */
  async function command(name: string, text: string, userId = APPROVER) {
    const responseUrl = slack.state.newResponseUrl();
    const res = await postSlack(app, '/slack/commands', commandBody(name, text, { userId, responseUrl }));
    const ack = (await res.json()) as Json;
    await routes.idle();
    return { status: res.status, ack, followUps: slack.state.responses(responseUrl) as Json[] };
  }

  const deploymentIdIn = (text: string) => text.match(/dep_[a-z0-9]{10}/)?.[0];

  it('refuses forged, stale, future and unsigned requests with 401 and does nothing', async () => {
    const responseUrl = slack.state.newResponseUrl();
    const body = commandBody('/platform-deploy', 'v9.9.9', { responseUrl });
    const forged = await postSlack(app, '/slack/events', body, undefined, { signature: `v0=${'0'.repeat(64)}` });
    const stale = await postSlack(app, '/slack/events', body, undefined, { skewSeconds: -301 });
    const future = await postSlack(app, '/slack/events', body, undefined, { skewSeconds: 301 });
    const unsigned = await postSlack(app, '/slack/events', body, undefined, { omit: ['timestamp', 'signature'] });
    const noSignature = await postSlack(app, '/slack/commands', body, undefined, { omit: ['signature'] });
    for (const res of [forged, stale, future, unsigned, noSignature]) {
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ status: 401, error: 'Unauthorized', message: expect.any(String) });
    }
    // A body signed, then changed in transit.
    const tampered = await app.request('/slack/events', {
      method: 'POST',
      headers: signedHeaders(body, 'application/x-www-form-urlencoded'),
      body: body.replace('v9.9.9', 'v6.6.6'),
    });
    expect(tampered.status).toBe(401);
    await routes.idle();
    expect(slack.state.responses(responseUrl)).toEqual([]);
    expect(await deployments.list({ service, limit: 10 })).toEqual([]);
  });

  it('echoes the url_verification challenge', async () => {
    const body = JSON.stringify({ token: 'legacy', challenge: 'test123-challenge', type: 'url_verification' });
    const res = await postSlack(app, '/slack/events', body, 'application/json');
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('test123-challenge');
  });

  it('answers help, unknown commands and missing defaults with usage or what to configure', async () => {
    const help = await command('/platform-deploy', 'help');
    expect(help.ack).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('/platform-deploy [version]') });
    const unknown = await command('/platform-launch', '');
    expect(unknown.ack.text).toContain('Unknown command `/platform-launch`');
    const bare = new SlashCommands({ deployments, connections, config: loadSlackConfig({}), awsEndpoint: undefined, logger });
    const outcome = await bare.handle({
      command: '/platform-deploy',
      text: 'v1',
      userId: APPROVER,
      userName: undefined,
      channelId: CHANNEL,
      responseUrl: undefined,
      triggerId: undefined,
      requestKey: 'test-help',
    });
    expect(outcome.work).toBeUndefined();
    expect(outcome.ack.text).toMatch(/SLACK_DEFAULT_GITHUB_CONNECTION_ID.*SLACK_DEFAULT_AWS_CONNECTION_ID/);
  });

  let firstId: string;

  it('/platform-deploy v1.2.3 starts exactly one deployment, durable in Temporal before Slack hears back, also when Slack retries', async () => {
    const responseUrl = slack.state.newResponseUrl();
    const body = commandBody('/platform-deploy', 'v1.2.3', { responseUrl });
    const t0 = Date.now();
    const res = await postSlack(app, '/slack/events', body);
    const elapsed = Date.now() - t0;
    expect(res.status).toBe(200);
    const ack = (await res.json()) as Json;
    expect(ack).toEqual({ response_type: 'ephemeral', text: expect.stringContaining('started by') });
    expect(elapsed).toBeLessThan(3000);
    firstId = deploymentIdIn(ack.text)!;
    expect(firstId, ack.text).toBeDefined();
    started.push(firstId);
    expect(ack.text).toContain(`<@${APPROVER}>`);
    // Durable at the acknowledgement: the workflow exists in Temporal, and nothing of it is left
    // to this process (a crash now loses nothing).
    await expect(temporal.client.workflow.getHandle(firstId).describe()).resolves.toMatchObject({ workflowId: firstId });
    // Slack's retry of the same request, and the same body again (same trigger_id): answered, not re-run.
    const retry = await postSlack(app, '/slack/events', body, undefined, {
      headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' },
    });
    expect(retry.status).toBe(200);
    const again = await postSlack(app, '/slack/commands', body);
    expect(again.status).toBe(200);
    expect(await again.text()).toBe('');
    await routes.idle();
    expect(slack.state.responses(responseUrl)).toEqual([]);

    await expect
      .poll(async () => (await deployments.list({ service, limit: 10 })).map((d) => [d.deploymentId, d.version]), { timeout: 10_000 })
      .toEqual([[firstId, 'v1.2.3']]);
    const ready = await api.reach(firstId, 'DEPLOYMENT_READY', 150);
    expect(ready).toMatchObject({ version: 'v1.2.3', owner: SANDBOX_SERVICE.owner, repo: SANDBOX_SERVICE.repo });
    expect(worker.sandbox.github.state.dispatchCount(firstId)).toBe(1);
    expect(await deployments.list({ service, limit: 10 })).toHaveLength(1);
  });

  it('/platform-status shows the ECS service, the CodeDeploy deployment in progress and the running deployment', async () => {
    const snapshot = await deployments.snapshot(firstId);
    const { ack, followUps } = await command('/platform-status', '');
    expect(ack.text).toContain(service);
    expect(followUps).toHaveLength(1);
    const text: string = followUps[0].text;
    expect(text).toMatch(/desired \d+ · running \d+ · pending \d+/);
    expect(text).toContain('task definition');
    expect(text).toContain(`\`${snapshot.codeDeployDeploymentId}\` Ready`);
    expect(text).toMatch(/traffic Blue \d+% \([A-Z_]+\), Green \d+%/);
    expect(text).toContain(`\`${firstId}\` DEPLOYMENT_READY`);
  });

  it('/platform-status shows a freeze over the service', async () => {
    const freeze = await freezes.set({
      scope: [service],
      reason: 'Black Friday',
      startsAt: new Date().toISOString(),
      endsAt: new Date(Date.now() + 3_600_000).toISOString(),
      by: 'test admin',
    });
    try {
      const { followUps } = await command('/platform-status', '');
      expect(followUps[0].text).toContain(
        `:snowflake: *Frozen* until ${freeze.endsAt}: Black Friday (\`${freeze.id}\`, set by test admin)`,
      );
    } finally {
      await freezes.lift(freeze.id, 'test admin');
    }
  });

  it("buttons: a non-approver is refused and changes nothing; an approver's switch completes; a second click is harmless", async () => {
    const activities = createSlackActivities({ client: web, channelId: CHANNEL, gifs: config.gifs, publicUrl: 'http://switchyard.test' });
    const ref = (await activities.postDeploymentMessage(viewOfSnapshot(await deployments.snapshot(firstId))))!;
    const buttons = (slack.state.messages(CHANNEL).find((m) => m.ts === ref.ts)!.blocks as Block[]).find((b) => b.type === 'actions')!;
    expect(buttons.elements!.map((e) => e.action_id)).toEqual(['switch_traffic', 'roll_back']);

    const click = async (userId: string, actionId: string) => {
      const responseUrl = slack.state.newResponseUrl();
      const res = await postSlack(
        app,
        '/slack/interactions',
        clickBody({ userId, actionId, deploymentId: firstId, channel: ref.channel, ts: ref.ts, responseUrl }),
      );
      expect(res.status).toBe(200);
      await routes.idle();
      return slack.state.responses(responseUrl) as Json[];
    };

    const refused = await click(INTRUDER, 'switch_traffic');
    expect(refused).toEqual([
      {
        response_type: 'ephemeral',
        replace_original: false,
        text: expect.stringContaining(`you may not switch traffic for \`${firstId}\`: Slack user ${INTRUDER} is not among the approvers`),
      },
    ]);
    const refusedRollback = await click(INTRUDER, 'roll_back');
    expect(refusedRollback[0].text).toContain(
      `you may not roll back for \`${firstId}\`: Slack user ${INTRUDER} is not among the approvers`,
    );
    expect((await deployments.snapshot(firstId)).status).toBe('DEPLOYMENT_READY');
    expect(slack.state.messages(CHANNEL).find((m) => m.ts === ref.ts)!.history).toHaveLength(1);

    expect(await click(APPROVER, 'switch_traffic')).toEqual([]);
    const done = await api.reach(firstId, 'COMPLETED', 150);
    expect(done).toMatchObject({ approvedBy: `slack:${APPROVER}`, decidedVia: 'slack', finalService: 'green' });
    const message = slack.state.messages(CHANNEL).find((m) => m.ts === ref.ts)!;
    expect(message.history).toHaveLength(2);
    expect(message.text).toContain(`approved by <@${APPROVER}> (slack)`);
    expect((message.blocks as Block[]).some((b) => b.type === 'actions')).toBe(false);

    const late = await click(APPROVER, 'switch_traffic');
    expect(late[0].text).toContain('Traffic has already been switched to green');
    const lateRollback = await click(APPROVER, 'roll_back');
    expect(lateRollback[0].text).toContain('has already ended (COMPLETED)');
    expect(message.history).toHaveLength(2);
    expect(await deployments.list({ service, limit: 10 })).toHaveLength(1);
  });

  it('/platform-deploy and /platform-rollback from a Slack user on no list are refused with the rule, and start nothing', async () => {
    const before = await deployments.list({ service, limit: 50 });
    const effects = sideEffects(worker.sandbox);
    const deploy = await command('/platform-deploy', 'v6.6.6', INTRUDER);
    expect(deploy.ack).toEqual({
      response_type: 'ephemeral',
      text: `:no_entry: <@${INTRUDER}>, you may not deploy from Slack: Slack user ${INTRUDER} is not among the deployers of ${service}. Nothing was started.`,
    });
    const rollback = await command('/platform-rollback', 'because I can', INTRUDER);
    expect(rollback.ack).toEqual({
      response_type: 'ephemeral',
      text: `:no_entry: <@${INTRUDER}>, you may not roll back from Slack: Slack user ${INTRUDER} is not among the approvers of ${service}. Nothing was started.`,
    });
    expect([...deploy.followUps, ...rollback.followUps]).toEqual([]);
    expect(await deployments.list({ service, limit: 50 })).toEqual(before);
    expect(sideEffects(worker.sandbox)).toEqual(effects);
  });

  it('/platform-rollback undoes the current release as POST /api/v1/deploy/{id}/rollback does (previous task definition, no gate), and will not undo its own rollback', async () => {
    const second = await command('/platform-deploy', 'v1.0.0');
    const secondId = deploymentIdIn(second.ack.text)!;
    started.push(secondId);
    await api.reach(secondId, 'DEPLOYMENT_READY', 150);
    await deployments.switchTraffic(secondId, { by: 'test', via: 'api' });
    await api.reach(secondId, 'COMPLETED', 150);
    await expect
      .poll(async () => (await deployments.list({ status: 'COMPLETED', service, limit: 10 })).length, { timeout: 10_000 })
      .toBe(2);
    const [first, latest] = [await deployments.snapshot(firstId), await deployments.snapshot(secondId)];
    expect(latest.previousTaskDefinitionArn).toBe(first.taskDefinitionArn);

    const { ack, followUps } = await command('/platform-rollback', 'v1.0.0 breaks checkout');
    expect(followUps).toEqual([]);
    const text: string = ack.text;
    expect(text).toContain(`the current release \`${secondId}\` is undone`);
    const rollbackId = text.match(/deployment `(dep_[a-z0-9]{10})` started/)?.[1];
    expect(rollbackId, text).toBeDefined();
    started.push(rollbackId!);
    expect([firstId, secondId]).not.toContain(rollbackId);
    // No build and no wait at the gate: it redeploys the previous task definition and completes by itself.
    const done = await api.reach(rollbackId!, 'COMPLETED', 150);
    expect(done).toMatchObject({ rollbackOf: secondId, taskDefinitionArn: first.taskDefinitionArn, imageUri: null, finalService: 'green' });
    expect((await temporal.client.workflow.getHandle(rollbackId!).describe()).memo).toMatchObject({ requestedBy: `slack:${APPROVER}` });

    // Typed again, it does not flip production back: the current release is now the rollback itself.
    await expect.poll(async () => deployments.currentRelease(service), { timeout: 10_000 }).toBe(rollbackId);
    const again = await command('/platform-rollback', 'flip it back');
    expect(again.ack.text).toContain(`Deployment ${rollbackId} is itself a rollback of ${secondId}`);
    expect((await deployments.list({ service, limit: 50 })).filter((d) => d.closedAt === null)).toEqual([]);
  });

  it('/platform-rollback with nothing to roll back to says so', async () => {
    // A service Switchyard has never deployed has no successful version on record.
    const lonely = new SlashCommands({
      deployments: new DeploymentService(temporal.client, taskQueue, connections, {
        ...sandboxApiServices(worker.config, worker.sandbox).deploy.defaults,
        slack: config,
        target: { ...worker.sandbox.target, service: 'svc-never-deployed' },
      }),
      connections,
      config,
      awsEndpoint: undefined,
      logger,
    });
    const outcome = await lonely.handle({
      command: '/platform-rollback',
      text: '',
      userId: APPROVER,
      userName: undefined,
      channelId: CHANNEL,
      responseUrl: undefined,
      triggerId: undefined,
      requestKey: 'test-lonely-rollback',
    });
    expect(outcome.work).toBeUndefined();
    expect(outcome.ack.text).toContain('Nothing to roll back');
  });
});
