// Hostile: one person, two doors. Alice holds an approver API key and a Slack account; the
// service's policy needs 2 distinct approvers. Alice approves through the API, then clicks
// "Switch traffic" in Slack (and tries her second key): each is refused as "already approved",
// traffic stays on blue, and the CodeDeploy emulator receives no ContinueDeployment. Bob's
// approval then meets the policy, the switch happens, and the audit trail names the people.
// Real app, real Slack routes, real workflow and worker against the AWS/GitHub/Slack emulators.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxApiServices } from '../../emulators/wiring/services.js';
import { ApiKeyRing } from '../../api/auth.js';
import { DeploymentService } from '../../api/deployments/deployment-service.js';
import { registerSlackRoutes, type SlackRoutes } from '../../api/slack/routes.js';
import { keyEntry } from '../../common/keys/api-keys.js';
import { createLogger } from '../../common/logger.js';
import { createSlackWebClient } from '../../common/config/slack.js';
import { SWITCH_TRAFFIC_ACTION } from '../../activities/slack/blocks.js';
import { ACCOUNT_ID } from '../../emulators/aws/index.js';
import { SANDBOX_CREDENTIALS, SANDBOX_SERVICE, sandboxSlackConfig } from '../../emulators/sandbox.js';
import { TEST_KEYS } from '../support/api.js';
import { json, type Json } from '../support/http.js';
import { sandboxSuite } from '../support/sandbox-suite.js';
import { clickBody, postSlack, SIGNING_SECRET } from '../slack/slack-support.js';

const ALICE_KEY = 'alice-api-key-0123456789';
const ALICE_LAPTOP_KEY = 'alice-laptop-key-0123456789';
const BOB_KEY = 'bob-api-key-0123456789';
const ALICE_SLACK = 'U0ALICE01';

describe('one person through two doors counts once', () => {
  const suite = sandboxSuite('hostile-person', {
    env: {
      DEPLOY_APPROVAL_POLICIES: JSON.stringify({ default: { approvals: 2 } }),
      SWITCHYARD_API_KEYS: `alice:approver:${ALICE_KEY},alice-laptop:approver:${ALICE_LAPTOP_KEY},bob:approver:${BOB_KEY}`,
      SWITCHYARD_IDENTITIES: JSON.stringify({ alice: { apiKeys: ['alice', 'alice-laptop'], slackUsers: [ALICE_SLACK] } }),
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_APPROVERS: ALICE_SLACK,
    },
    // The configured keys as the app loads them, beside the test's role keys (deployer, viewer, admin).
    app: (worker) => ({
      keys: new ApiKeyRing([
        ...Object.entries(TEST_KEYS).map(([role, key]) => keyEntry(`test-${role}`, role as keyof typeof TEST_KEYS, key)),
        ...worker.config.apiKeys,
      ]),
    }),
  });
  let routes: SlackRoutes;
  let connection: { githubConnectionId: string; awsConnectionId: string };

  beforeAll(async () => {
    const { worker, app, client } = suite;
    const services = sandboxApiServices(worker.config, worker.sandbox);
    // Connections as POST /api/v1/connect/* stores them (routes cannot be added once the app has served).
    const github = await services.connections.addGitHub(
      { owner: SANDBOX_SERVICE.owner, repo: SANDBOX_SERVICE.repo, branch: 'main' },
      { token: SANDBOX_CREDENTIALS.githubToken },
    );
    const aws = await services.connections.addAws(
      { region: SANDBOX_CREDENTIALS.region, accountId: ACCOUNT_ID },
      { accessKeyId: SANDBOX_CREDENTIALS.awsAccessKeyId, secretAccessKey: SANDBOX_CREDENTIALS.awsSecretAccessKey },
    );
    connection = { githubConnectionId: github.id, awsConnectionId: aws.id };
    const config = sandboxSlackConfig(worker.config.slack, worker.sandbox, connection);
    const deployments = new DeploymentService(client, suite.taskQueue, services.connections, services.deploy.defaults);
    routes = registerSlackRoutes(app, {
      deployments,
      connections: services.connections,
      slack: createSlackWebClient(config, { retries: 0 }),
      config,
      awsEndpoint: services.deploy.awsEndpoint,
      logger: createLogger('silent'),
      publicUrl: 'http://switchyard.test',
    });
  });
  afterAll(async () => {
    await routes?.idle();
  });

  const switchWith = async (id: string, key: string) => {
    const res = await suite.app.request(`/api/v1/deploy/${id}/switch`, { method: 'POST', headers: { authorization: `Bearer ${key}` } });
    return { status: res.status, body: (await json(res)) as Json };
  };
  const slackClick = async (id: string, userId: string) => {
    const slack = suite.worker.sandbox.slack;
    const responseUrl = slack.state.newResponseUrl();
    await postSlack(
      suite.app,
      '/slack/interactions',
      clickBody({ userId, actionId: SWITCH_TRAFFIC_ACTION, deploymentId: id, channel: 'C0DEPLOYS', ts: '1.0', responseUrl }),
    );
    await routes.idle();
    return slack.state.responses(responseUrl).map((r) => String(r['text']));
  };

  it('refuses alice through Slack and through her second key after her API approval; nothing switches until bob approves', async () => {
    const { api, worker } = suite;
    const started = await api.deploy(connection);
    expect(started.status).toBe(200);
    const id = started.body.data.deploymentId as string;
    const ready = await api.reach(id, 'DEPLOYMENT_READY');
    const counters = worker.sandbox.aws.state.counters;
    const codeDeployId = ready.codeDeployDeploymentId as string;
    expect(codeDeployId).toMatch(/^d-/);

    const first = await switchWith(id, ALICE_KEY);
    expect(first.status).toBe(202);
    expect(first.body.data.approvals).toEqual([{ who: 'alice', person: 'alice', via: 'api', at: expect.any(String) }]);

    // The same person through Slack: refused, and said why.
    const replies = await slackClick(id, ALICE_SLACK);
    expect(replies).toEqual([expect.stringContaining('2 approvals needed, 1 given: you (alice, as alice via api) already approved')]);
    expect(replies[0]).toContain('Nothing was changed');
    // …and through her other key.
    const laptop = await switchWith(id, ALICE_LAPTOP_KEY);
    expect(laptop.status).toBe(403);
    expect(laptop.body.message).toBe('2 approvals needed, 1 given: you (alice, as alice via api) already approved');

    const held = (await api.result(id)).body.data;
    expect(held).toMatchObject({ status: 'DEPLOYMENT_READY', approvals: [{ who: 'alice', person: 'alice' }], approvalsRequired: 2 });
    expect(counters.continueDeploymentCalls.get(codeDeployId) ?? 0).toBe(0);
    expect(worker.sandbox.aws.state.codedeploy.deployments.get(codeDeployId)?.status).not.toBe('Succeeded');

    // A second person meets the policy: the switch happens (the counter counts what it should).
    const bob = await switchWith(id, BOB_KEY);
    expect(bob.status).toBe(200);
    const done = await api.reach(id, 'COMPLETED');
    expect(done.approvals).toEqual([
      { who: 'alice', person: 'alice', via: 'api', at: expect.any(String) },
      { who: 'bob', via: 'api', at: expect.any(String) },
    ]);
    expect(counters.continueDeploymentCalls.get(codeDeployId)).toBe(1);
  });
});
