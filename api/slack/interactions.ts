// Button clicks (block_actions) on the deployment message: "Switch traffic" and "Roll back".
// Only those the deployment's approval policy counts may decide (SLACK_APPROVERS where it names no
// Slack user); anyone else is told why and nothing changes. Double clicks and
// clicks on a finished deployment are answered, never acted on twice.
import type { WebClient } from '@slack/web-api';
import { DEPLOYMENT_ID_PATTERN } from '../../common/ids.js';
import type { Logger } from '../../common/logger.js';
import type { SlackConfig } from '../../common/config/slack.js';
import { TERMINAL_STATUSES } from '../../domain/deployment.js';
import type { DeploymentService } from '../deployments/deployment-service.js';
import { ApiError } from '../errors.js';
import { DEFAULT_APPROVAL_POLICY } from '../../domain/approval-policy.js';
import {
  deploymentMessage,
  ROLL_BACK_ACTION,
  sendWithoutImagesOnRefusal,
  SWITCH_TRAFFIC_ACTION,
  viewOfSnapshot,
} from '../../activities/slack/blocks.js';
import type { SlackGifs } from '../../common/config/slack.js';
import { postToResponseUrl, type SlackReply } from './respond.js';
import { slackGroupsOf } from './user-groups.js';

export interface BlockAction {
  action_id: string;
  block_id?: string;
  value?: string;
}

export interface InteractionPayload {
  type: string;
  user?: { id?: string; username?: string; name?: string };
  actions?: BlockAction[];
  container?: { type?: string; channel_id?: string; message_ts?: string; is_ephemeral?: boolean };
  channel?: { id?: string };
  message?: { ts?: string };
  response_url?: string;
  trigger_id?: string;
}

export interface InteractionDeps {
  deployments: DeploymentService;
  slack: WebClient | undefined;
  config: SlackConfig;
  logger: Logger;
  gifs: SlackGifs;
  publicUrl: string | undefined;
}

const ephemeral = (text: string): SlackReply => ({ response_type: 'ephemeral', replace_original: false, text });

export class Interactions {
  constructor(private readonly deps: InteractionDeps) {}

  /** The work a click asks for (run after Slack got its 200), or undefined when there is none. */
  handle(payload: InteractionPayload): (() => Promise<void>) | undefined {
    if (payload.type !== 'block_actions') return undefined;
    const action = payload.actions?.find((a) => a.action_id === SWITCH_TRAFFIC_ACTION || a.action_id === ROLL_BACK_ACTION);
    if (!action) return undefined;
    return () => this.decide(payload, action);
  }

  private async decide(payload: InteractionPayload, action: BlockAction): Promise<void> {
    const { deployments, logger } = this.deps;
    const reply = (text: string) => postToResponseUrl(payload.response_url, ephemeral(text), logger);
    const userId = payload.user?.id;
    const id = action.value ?? '';
    const verb = action.action_id === SWITCH_TRAFFIC_ACTION ? 'switch traffic' : 'roll back';
    if (!userId) return void (await reply(':x: This click carries no Slack user: nothing was changed.'));
    if (!DEPLOYMENT_ID_PATTERN.test(id)) return void (await reply(':x: This button names no deployment: nothing was changed.'));
    const current = await deployments.snapshot(id).catch(() => undefined);
    const policy = current?.approvalPolicy ?? DEFAULT_APPROVAL_POLICY;
    // Who may decide is the deployment's policy, judged by its workflow's validators (the final
    // word at every door); the user's groups are what it needs to count a group member.
    const slackGroups = await slackGroupsOf(this.deps.slack, userId, policy.slackGroups, logger);
    const person = this.deps.config.people?.[userId];
    const decision = { by: `slack:${userId}`, via: 'slack' as const, slackUserId: userId, slackGroups, ...(person ? { person } : {}) };
    try {
      if (action.action_id === SWITCH_TRAFFIC_ACTION) {
        const outcome = await deployments.switchTraffic(id, decision);
        if (outcome.activeService === 'blue') {
          // The workflow has updated the message with the count; its buttons stay for the next approver.
          logger.info({ deploymentId: id, by: userId, approvals: outcome.approvals?.length }, 'approval from Slack');
          return void (await reply(
            `:ballot_box_with_check: Approval recorded for \`${id}\`: ${outcome.approvals?.length ?? 1} of ${outcome.approvalsRequired ?? 1}. Traffic stays on blue until the policy is met.`,
          ));
        }
      } else {
        // A stale button must not start a redeploy: after completion, rollback is /platform-rollback's job.
        if (!current || TERMINAL_STATUSES.has(current.status) || current.status === 'SWITCHING') {
          return void (await reply(
            `:information_source: \`${id}\` has already ended (${current?.status ?? 'unknown'}); nothing was changed. To undo the current release use \`/platform-rollback\`.`,
          ));
        }
        await deployments.rollback(id, { ...decision, reason: `rejected in Slack by ${userId}` });
      }
    } catch (error) {
      if (error instanceof ApiError && error.status === 403) {
        logger.warn({ userId, deploymentId: id, action: action.action_id }, 'Slack decision refused by the approval policy');
        return void (await reply(`:no_entry: <@${userId}>, you may not ${verb} for \`${id}\`: ${error.message}. Nothing was changed.`));
      }
      if (error instanceof ApiError && error.status < 500)
        return void (await reply(`:information_source: ${error.message} (\`${id}\`). Nothing was changed.`));
      logger.error({ err: error, deploymentId: id }, 'Slack decision failed');
      return void (await reply(
        `:x: Could not ${verb} for \`${id}\`: ${error instanceof ApiError ? error.message : 'unexpected error (see the Switchyard log)'}`,
      ));
    }
    logger.info({ deploymentId: id, by: userId, action: action.action_id }, 'decision from Slack');
    await this.refreshMessage(payload, id, decision.by);
  }

  /** Rewrites the clicked message: outcome and who decided, no buttons. */
  private async refreshMessage(payload: InteractionPayload, id: string, by: string): Promise<void> {
    const { deployments, slack, logger } = this.deps;
    const snapshot = await deployments.snapshot(id).catch(() => undefined);
    if (!snapshot) return;
    const view = { ...viewOfSnapshot(snapshot), approvedBy: snapshot.decision?.by ?? by };
    const content = deploymentMessage(view, { gifs: this.deps.gifs, ...(this.deps.publicUrl ? { publicUrl: this.deps.publicUrl } : {}) });
    const channel = payload.container?.channel_id ?? payload.channel?.id;
    const ts = payload.container?.message_ts ?? payload.message?.ts;
    if (slack && channel && ts && !payload.container?.is_ephemeral) {
      try {
        await sendWithoutImagesOnRefusal(content.blocks, (blocks) => slack.chat.update({ channel, ts, text: content.text, blocks }));
        return;
      } catch (error) {
        logger.warn({ err: error, deploymentId: id }, 'Slack chat.update failed; replacing through response_url');
      }
    }
    await postToResponseUrl(payload.response_url, { replace_original: true, text: content.text, blocks: content.blocks }, logger);
  }
}
