// Slack parts without Temporal: request signatures, the Slack emulator through the real
// @slack/web-api client, the deployment message and the Slack activities.
import type { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackActivities, type SlackDeploymentView } from '../../../activities/slack/index.js';
import { deploymentMessage, ROLL_BACK_ACTION, SWITCH_TRAFFIC_ACTION } from '../../../activities/slack/blocks.js';
import { RecentKeys } from '../../../api/slack/respond.js';
import { signSlackRequest, verifySlackSignature } from '../../../api/slack/signature.js';
import { createSlackWebClient, loadSlackConfig } from '../../../common/config/slack.js';
import { ConfigError } from '../../../common/config/config.js';
import { startSlackEmulator, type RunningSlackEmulator } from '../../../emulators/slack/index.js';
import { serveApp, type ServedApp } from '../../support/http-server.js';

const SECRET = 'slack-signing-secret-for-tests';
const BOT_TOKEN = 'xoxb-switchyard-test-token';

type Block = { type: string; elements?: { action_id?: string; value?: string }[]; text?: { text?: string }; image_url?: string };

describe('Slack request signatures', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');
  const ts = String(now / 1000);
  const body = 'command=%2Fplatform-deploy&text=v1.2.3';

  it("accepts Slack's signature and refuses forged, stale, future and missing ones", () => {
    const signature = signSlackRequest(SECRET, ts, body);
    expect(signature).toMatch(/^v0=[0-9a-f]{64}$/);
    expect(verifySlackSignature({ signingSecret: SECRET, timestamp: ts, signature, rawBody: body, nowMs: now })).toEqual({ ok: true });
    // One changed byte of the body, or another secret, breaks it.
    expect(verifySlackSignature({ signingSecret: SECRET, timestamp: ts, signature, rawBody: `${body}4`, nowMs: now }).ok).toBe(false);
    expect(
      verifySlackSignature({
        signingSecret: SECRET,
        timestamp: ts,
        signature: signSlackRequest('other-secret', ts, body),
        rawBody: body,
        nowMs: now,
      }).ok,
    ).toBe(false);
    // Five minutes either way is the limit, in both directions.
    const at = (offsetS: number) => {
      const t = String(now / 1000 + offsetS);
      return verifySlackSignature({
        signingSecret: SECRET,
        timestamp: t,
        signature: signSlackRequest(SECRET, t, body),
        rawBody: body,
        nowMs: now,
      }).ok;
    };
    expect([at(-300), at(300), at(-301), at(301)]).toEqual([true, true, false, false]);
    expect(verifySlackSignature({ signingSecret: SECRET, timestamp: undefined, signature, rawBody: body, nowMs: now }).ok).toBe(false);
    expect(verifySlackSignature({ signingSecret: SECRET, timestamp: ts, signature: undefined, rawBody: body, nowMs: now }).ok).toBe(false);
    expect(verifySlackSignature({ signingSecret: SECRET, timestamp: ts, signature: 'v0=short', rawBody: body, nowMs: now }).ok).toBe(false);
  });

  it('remembers keys for a window', () => {
    const keys = new RecentKeys(1000);
    expect(keys.add('a', 0)).toBe(true);
    expect(keys.add('a', 999)).toBe(false);
    expect(keys.add('a', 1000)).toBe(true);
  });
});

describe('Slack configuration', () => {
  it("reads approvers, defaults and the seed's GIF names", () => {
    const config = loadSlackConfig({
      SLACK_APPROVERS: ' U1, U2 ,',
      GIF_BASE_URL: 'https://gifs.example.com/',
      GIF_DEPLOY_FAIL: 'https://cdn.example.com/boom.gif',
      SLACK_DEFAULT_BRANCH: 'release',
    });
    expect(config.approvers).toEqual(['U1', 'U2']);
    expect(config.gifs).toEqual({
      deploying: 'https://gifs.example.com/deploying.gif',
      success: 'https://gifs.example.com/deploy_complete.gif',
      failure: 'https://cdn.example.com/boom.gif',
    });
    // The seed's three GIFs only: waiting for the switch shows the deploying one.
    const ready = deploymentMessage(
      { deploymentId: 'dep_abcdefghij', status: 'DEPLOYMENT_READY', stage: 4, owner: 'a', repo: 'b', branch: 'main' },
      { gifs: config.gifs },
    );
    expect((ready.blocks as unknown as Block[]).find((b) => b.type === 'image')?.image_url).toBe('https://gifs.example.com/deploying.gif');
    expect(config.defaults.branch).toBe('release');
    expect(createSlackWebClient(config)).toBeUndefined();
    expect(() => loadSlackConfig({ SLACK_DEFAULT_AWS_CONNECTION_ID: 'nope', CODEDEPLOY_HOOK_SECRET: 'short' })).toThrow(ConfigError);
  });
});

describe('Slack emulator and activities', () => {
  let slack: RunningSlackEmulator;
  let web: WebClient;
  /** A GIF host the emulator can fetch: any *.gif answers 200, everything else 404. */
  let gifs: ServedApp;

  beforeAll(async () => {
    slack = await startSlackEmulator({ botToken: BOT_TOKEN });
    web = createSlackWebClient({ botToken: BOT_TOKEN, apiUrl: slack.apiUrl }, { retries: 0 })!;
    gifs = await serveApp((request) =>
      new URL(request.url).pathname.endsWith('.gif')
        ? new Response(new Uint8Array([0x47, 0x49, 0x46, 0x38, 0x39, 0x61]), { headers: { 'content-type': 'image/gif' } })
        : new Response('not found', { status: 404 }),
    );
  });
  afterAll(async () => {
    await slack?.close();
    await gifs?.close();
  });

  it('refuses an image it cannot fetch as Slack does (invalid_blocks), and the activities resend without it', async () => {
    const image = (url: string) => ({ type: 'image', image_url: url, alt_text: 'gif' });
    const section = { type: 'section', text: { type: 'mrkdwn', text: 'hi' } };
    const refusal = {
      ok: false,
      error: 'invalid_blocks',
      errors: ['downloading image failed [json-pointer:/blocks/1/image_url]'],
      response_metadata: { messages: ['[ERROR] downloading image failed [json-pointer:/blocks/1/image_url]'] },
    };
    await expect(
      web.chat.postMessage({ channel: 'CIMG', text: 'x', blocks: [section, image(`${gifs.url}/missing.png`)] }),
    ).rejects.toMatchObject({ data: refusal });
    await expect(
      web.chat.postMessage({ channel: 'CIMG', text: 'x', blocks: [section, image('ftp://example.com/a.gif')] }),
    ).rejects.toMatchObject({ data: { error: 'invalid_blocks' } });
    expect(slack.state.messages('CIMG')).toHaveLength(0);
    expect((await web.chat.postMessage({ channel: 'CIMG', text: 'x', blocks: [section, image(`${gifs.url}/ok.gif`)] })).ok).toBe(true);

    const activities = createSlackActivities({
      client: web,
      channelId: 'CNOGIF',
      gifs: { deploying: `${gifs.url}/nope/deploying.png`, success: `${gifs.url}/nope/ok.png` },
      publicUrl: undefined,
    });
    const ref = await activities.postDeploymentMessage(view);
    let message = slack.state.messages('CNOGIF')[0]!;
    expect((message.blocks as Block[]).some((b) => b.type === 'image')).toBe(false);
    expect((message.blocks as Block[]).find((b) => b.type === 'actions')!.elements!.map((e) => e.action_id)).toEqual([
      SWITCH_TRAFFIC_ACTION,
      ROLL_BACK_ACTION,
    ]);
    await activities.updateDeploymentMessage({ ...ref!, ...view, status: 'COMPLETED', stage: 5, approvedBy: 'slack:UBOSS' });
    message = slack.state.messages('CNOGIF')[0]!;
    expect(message.history).toHaveLength(2);
    expect(message.text).toContain('approved by <@UBOSS> (slack)');
    await activities.postTestTrafficNotice({
      deploymentId: view.deploymentId,
      codeDeployDeploymentId: 'd-ABCDEFGHI',
      testUrl: 'http://green.example.com/',
    });
    expect(slack.state.messages('CNOGIF')).toHaveLength(2);
  });

  it("speaks Slack's Web API: post, update with history, ephemeral, invalid_auth", async () => {
    const posted = await web.chat.postMessage({
      channel: 'C1',
      text: 'hello',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'hello' } }],
    });
    expect(posted).toMatchObject({ ok: true, channel: 'C1', message: { text: 'hello' } });
    expect(posted.ts).toMatch(/^\d+\.\d{6}$/);
    const updated = await web.chat.update({ channel: 'C1', ts: posted.ts!, text: 'bye' });
    expect(updated).toMatchObject({ ok: true, channel: 'C1', ts: posted.ts, text: 'bye' });
    const [message] = slack.state.messages('C1');
    expect(message).toMatchObject({ ts: posted.ts, text: 'bye', edited: true });
    expect(message!.history.map((v) => v.text)).toEqual(['hello', 'bye']);
    expect(message!.blocks).toHaveLength(1); // kept: the update gave none

    await expect(web.chat.update({ channel: 'C1', ts: '1.000001', text: 'x' })).rejects.toMatchObject({
      data: { ok: false, error: 'message_not_found' },
    });
    const ephemeral = await web.chat.postEphemeral({ channel: 'C1', user: 'U9', text: 'psst' });
    expect(ephemeral.ok).toBe(true);
    expect(slack.state.ephemerals('C1')).toMatchObject([{ user: 'U9', text: 'psst' }]);

    const intruder = createSlackWebClient({ botToken: 'xoxb-wrong', apiUrl: slack.apiUrl }, { retries: 0 })!;
    await expect(intruder.chat.postMessage({ channel: 'C1', text: 'x' })).rejects.toMatchObject({
      data: { ok: false, error: 'invalid_auth' },
    });
    expect(slack.state.messages('C1')).toHaveLength(1);
  });

  it('serves response_urls: five posts, then used_url', async () => {
    const url = slack.state.newResponseUrl();
    const statuses: number[] = [];
    for (let i = 1; i <= 6; i++) {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: `reply ${i}` }),
      });
      statuses.push(res.status);
      if (i === 6) expect(await res.json()).toEqual({ ok: false, error: 'used_url' });
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 404]);
    expect(slack.state.responses(url).map((r) => r.text)).toEqual(['reply 1', 'reply 2', 'reply 3', 'reply 4', 'reply 5']);
  });

  const view: SlackDeploymentView = {
    deploymentId: 'dep_abcdefghij',
    status: 'DEPLOYMENT_READY',
    stage: 4,
    owner: 'acme',
    repo: 'shop',
    branch: 'main',
    version: 'v1.2.3',
    service: 'svc',
    cluster: 'cl',
    greenUrl: 'http://green.example.com/',
    errorMessage: null,
  };

  it('posts the deployment message with the test URL and decision buttons, and updates it after the decision', async () => {
    const activities = createSlackActivities({
      client: web,
      channelId: 'CDEPLOY',
      gifs: { deploying: `${gifs.url}/deploying.gif`, success: `${gifs.url}/ok.gif` },
      publicUrl: 'https://switchyard.example.com',
    });
    const ref = await activities.postDeploymentMessage(view);
    expect(ref).toMatchObject({ channel: 'CDEPLOY' });
    let message = slack.state.messages('CDEPLOY')[0]!;
    const blocks = message.blocks as Block[];
    const actions = blocks.find((b) => b.type === 'actions')!;
    expect(actions.elements!.map((e) => [e.action_id, e.value])).toEqual([
      [SWITCH_TRAFFIC_ACTION, view.deploymentId],
      [ROLL_BACK_ACTION, view.deploymentId],
    ]);
    expect(JSON.stringify(blocks)).toContain('http://green.example.com/');
    expect(blocks.find((b) => b.type === 'image')?.image_url).toBe(`${gifs.url}/deploying.gif`);
    expect(message.text).toContain('acme/shop v1.2.3');

    await activities.updateDeploymentMessage({ ...ref!, ...view, status: 'COMPLETED', stage: 5, approvedBy: 'slack:UBOSS' });
    message = slack.state.messages('CDEPLOY')[0]!;
    expect(message.history).toHaveLength(2);
    expect((message.blocks as Block[]).some((b) => b.type === 'actions')).toBe(false);
    expect(message.text).toContain('approved by <@UBOSS> (slack)');
    expect((message.blocks as Block[]).find((b) => b.type === 'image')?.image_url).toBe(`${gifs.url}/ok.gif`);
  });

  it('shows green against blue at the gate and in the switch confirm dialog, and the approvals against the policy, as the emulator stores them', async () => {
    const activities = createSlackActivities({ client: web, channelId: 'CGATE', gifs: {}, publicUrl: undefined });
    const atGate: SlackDeploymentView = {
      ...view,
      approvalsRequired: 2,
      approvals: [],
      blue: { latencyMs: 14, p50Ms: 12, p95Ms: 20, errorRate: 0, samples: 5 },
      green: { latencyMs: 31, p50Ms: 25, p95Ms: 88, errorRate: 0.2, samples: 5 },
      testTrafficSince: new Date(Date.now() - 180_000).toISOString(),
    };
    const ref = (await activities.postDeploymentMessage(atGate))!;
    const posted = JSON.stringify(slack.state.messages('CGATE')[0]!.blocks);
    expect(posted).toContain('*Green:* p50 25 ms · p95 88 ms · errors 20.0% · 5 samples');
    expect(posted).toContain('*Blue:* p50 12 ms · p95 20 ms · errors 0.0% · 5 samples');
    expect(posted).toContain('Green on test traffic for 3 min');
    expect(posted).toContain('*Approvals:* 0 of 2');
    const actions = (
      slack.state.messages('CGATE')[0]!.blocks as {
        type: string;
        elements?: { action_id?: string; confirm?: { text: { text: string } } }[];
      }[]
    ).find((b) => b.type === 'actions')!;
    const confirm = actions.elements!.find((e) => e.action_id === SWITCH_TRAFFIC_ACTION)!.confirm!.text.text;
    expect(confirm).toContain('p95 88 ms');
    expect(confirm).toContain('errors 20.0%');

    // An approval given through the API: the workflow updates the message, the buttons stay for the second approver.
    await activities.updateDeploymentMessage({
      ...ref,
      ...atGate,
      approvals: [{ who: 'alice', via: 'api', at: new Date().toISOString() }],
    });
    const updated = slack.state.messages('CGATE')[0]!;
    expect(updated.history).toHaveLength(2);
    expect(JSON.stringify(updated.blocks)).toContain('*Approvals:* 1 of 2 — alice (api)');
    expect((updated.blocks as Block[]).some((b) => b.type === 'actions')).toBe(true);
  });

  it('does nothing without Slack configured', async () => {
    const off = createSlackActivities({ client: undefined, channelId: undefined, gifs: {}, publicUrl: undefined });
    await expect(off.postDeploymentMessage(view)).resolves.toBeNull();
    await expect(off.updateDeploymentMessage({ channel: 'C', ts: '1.1', ...view })).resolves.toBeUndefined();
  });

  it('shows failure and timeout outcomes without buttons', () => {
    const failed = deploymentMessage({
      ...view,
      status: 'FAILED',
      errorMessage: 'Green service failed health checks',
      errorCode: 'HEALTH_CHECK_FAILED',
    });
    expect(JSON.stringify(failed.blocks)).toContain('HEALTH_CHECK_FAILED');
    expect(failed.blocks.some((b) => b.type === 'actions')).toBe(false);
    const timedOut = deploymentMessage({
      ...view,
      status: 'ROLLED_BACK',
      decision: { action: 'timeout', by: 'switchyard', via: 'workflow', at: '', reason: 'no switch within 60 s' },
    });
    expect(timedOut.text).toContain('No decision in time');
  });
});
