// Slack activities: the deployment message, posted once and updated in place. Without a bot token
// or a channel they do nothing, so a deployment never depends on Slack being configured; a Slack
// failure is an ordinary activity failure the workflow's retry policy handles.
import type { WebClient } from '@slack/web-api';
import type { SlackGifs } from '../../common/config/slack.js';
import { deploymentMessage, type SlackDeploymentView } from './blocks.js';
import { sendWithoutImagesOnRefusal } from './image-fallback.js';
import { waitingForTestMessage } from './test-notice.js';

export type { SlackDeploymentView } from './blocks.js';

export interface SlackActivityDeps {
  client: WebClient | undefined;
  channelId: string | undefined;
  gifs: SlackGifs;
  /** Switchyard's public URL, linked from the message. */
  publicUrl: string | undefined;
}

export interface SlackMessageRef {
  channel: string;
  ts: string;
}

export function createSlackActivities(deps: SlackActivityDeps) {
  const options = { gifs: deps.gifs, ...(deps.publicUrl ? { publicUrl: deps.publicUrl } : {}) };
  return {
    /** Posts the deployment's message; returns where it is (for updates), or null when Slack is off. */
    async postDeploymentMessage(view: SlackDeploymentView): Promise<SlackMessageRef | null> {
      if (!deps.client || !deps.channelId) return null;
      const { text, blocks } = deploymentMessage(view, options);
      const { client, channelId } = deps;
      const result = await sendWithoutImagesOnRefusal(blocks, (b) =>
        client.chat.postMessage({ channel: channelId, text, blocks: b, unfurl_links: false, unfurl_media: false }),
      );
      if (!result.channel || !result.ts) throw new Error('Slack chat.postMessage returned no channel or ts');
      return { channel: result.channel, ts: result.ts };
    },

    /**
     * The AfterAllowTestTraffic Lambda's "ECS 배포: 테스트 대기 중" notice when CodeDeploy opens the test listener to green;
     * returns where it is, so that it can say how the gate was decided (null when Slack is off).
     */
    async postTestTrafficNotice(input: {
      deploymentId: string;
      codeDeployDeploymentId: string;
      testUrl: string;
    }): Promise<SlackMessageRef | null> {
      if (!deps.client || !deps.channelId) return null;
      // Green is deployed and waits for its test: still the ChatOps bot's "deploying" GIF.
      const gif = deps.gifs.deploying;
      const { text, blocks } = waitingForTestMessage({ ...input, ...(gif ? { gif } : {}) });
      const { client, channelId } = deps;
      const result = await sendWithoutImagesOnRefusal(blocks, (b) =>
        client.chat.postMessage({ channel: channelId, text, blocks: b, unfurl_links: false, unfurl_media: false }),
      );
      return result.channel && result.ts ? { channel: result.channel, ts: result.ts } : null;
    },

    /** Rewrites the notice once the gate is decided, wherever that happened: no stale "approve with…" (idempotent). */
    async updateTestTrafficNotice(
      input: SlackMessageRef & { deploymentId: string; codeDeployDeploymentId: string; testUrl: string; outcome: string },
    ): Promise<void> {
      if (!deps.client) return;
      const { channel, ts, ...notice } = input;
      const { text, blocks } = waitingForTestMessage(notice);
      const client = deps.client;
      await sendWithoutImagesOnRefusal(blocks, (b) => client.chat.update({ channel, ts, text, blocks: b }));
    },

    /**
     * The gate's escalation: the policy's Slack user group is called in, in the deployment
     * message's thread when there is one, because nobody decided within the switch timeout.
     */
    async postEscalation(input: {
      deploymentId: string;
      slackGroup: string;
      waitedMs: number;
      hardLimitAt: string;
      threadTs?: string;
    }): Promise<SlackMessageRef | null> {
      if (!deps.client || !deps.channelId) return null;
      const minutes = Math.round(input.waitedMs / 60_000);
      const text = `<!subteam^${input.slackGroup}> Deployment \`${input.deploymentId}\` has waited ${minutes} min for a decision at the gate. Switch traffic or roll back before ${input.hardLimitAt}; then it rolls back by itself.`;
      const channel = deps.channelId;
      const result = await (input.threadTs
        ? deps.client.chat.postMessage({ channel, text, thread_ts: input.threadTs, reply_broadcast: true })
        : deps.client.chat.postMessage({ channel, text }));
      return result.channel && result.ts ? { channel: result.channel, ts: result.ts } : null;
    },

    /** Rewrites the escalation once the gate is decided: the group is no longer asked to act (idempotent). */
    async updateEscalation(input: SlackMessageRef & { deploymentId: string; outcome: string }): Promise<void> {
      if (!deps.client) return;
      await deps.client.chat.update({
        channel: input.channel,
        ts: input.ts,
        text: `Deployment \`${input.deploymentId}\` was escalated at the gate; decided: ${input.outcome}`,
      });
    },

    /** Rewrites the message in place with the deployment's current state (idempotent). */
    async updateDeploymentMessage(input: SlackMessageRef & SlackDeploymentView): Promise<void> {
      if (!deps.client) return;
      const { channel, ts, ...view } = input;
      const { text, blocks } = deploymentMessage(view, options);
      const client = deps.client;
      await sendWithoutImagesOnRefusal(blocks, (b) => client.chat.update({ channel, ts, text, blocks: b }));
    },
  };
}
