// The slash commands: /platform-deploy [version], /platform-status, /platform-rollback [reason], help.
// A command that changes production is judged by the service's approval policy and made durable
// in Temporal (the admission's update-with-start, keyed by the request) before Slack hears back,
// so a crash after the acknowledgement loses nothing and a refusal starts nothing. Only reads
// (/platform-status) run after the acknowledgement and report through the response_url.
import type { WebClient } from '@slack/web-api';
import type { AwsCredentialIdentityProvider } from '../../common/aws/credentials.js';
import type { ConnectionStore } from '../../common/connections/connection-store.js';
import { derivedDeploymentId } from '../../common/ids.js';
import type { Logger } from '../../common/logger.js';
import type { SlackConfig } from '../../common/config/slack.js';
import type { DeploymentService } from '../deployments/deployment-service.js';
import type { DeployRequest } from '../deployments/deploy-request-schemas.js';
import { ApiError } from '../errors.js';
import { postToResponseUrl, type SlackReply } from './respond.js';
import { slackGroupsOf } from './user-groups.js';
import { rollbackActorRefusal, slackDeployerRefusal } from '../../domain/approval-policy.js';
import { canonicalServiceKey } from '../../workflows/service/service-key.js';
import type { DecisionRequest } from '../../workflows/deployment/messages.js';
import { formatServiceStatus, readServiceStatus } from './status.js';
import { chatOpsDefaults, type Defaults } from './command-defaults.js';

export interface SlashCommand {
  command: string;
  text: string;
  userId: string;
  userName: string | undefined;
  channelId: string | undefined;
  responseUrl: string | undefined;
  triggerId: string | undefined;
  /** The request's identity (its trigger id, or a digest of its signed body): the same on every replica. */
  requestKey: string;
}

export interface CommandDeps {
  deployments: DeploymentService;
  /** The bot's Web API client, to see whether a user is in a policy's user groups. */
  slack?: WebClient | undefined;
  connections: ConnectionStore;
  config: SlackConfig;
  awsEndpoint: string | undefined;
  /** Who assumes role connections' roles (the default provider chain when absent). */
  baseAwsCredentials?: AwsCredentialIdentityProvider | undefined;
  logger: Logger;
}

/** The acknowledgement Slack shows at once, and the work that follows it (if any). */
export interface CommandOutcome {
  ack: SlackReply;
  work?: () => Promise<void>;
}

export const USAGE = [
  '*Switchyard ChatOps*',
  "• `/platform-deploy [version]` — deploy a tag or commit of the default repository (the branch head when omitted); for the deployers the service's policy names",
  '• `/platform-status` — ECS service, CodeDeploy deployment in progress and running Switchyard deployments',
  "• `/platform-rollback [reason]` — undo the service's current release: redeploy the task definition it replaced (no build, no approval wait), as `POST /api/v1/deploy/{id}/rollback`; for those the service's policy lets approve, also during a freeze",
  'Approve or roll back a deployment that is ready for test with the buttons on its message.',
].join('\n');

const VERSION_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,254}$/;

const ephemeral = (text: string): SlackReply => ({ response_type: 'ephemeral', text });

export class SlashCommands {
  constructor(private readonly deps: CommandDeps) {}

  async handle(command: SlashCommand): Promise<CommandOutcome> {
    const name = command.command.replace(/^\//, '').replace(/^platform-/, '');
    const text = command.text.trim();
    if (/^(help|\?)$/i.test(text)) return { ack: ephemeral(USAGE) };
    switch (name) {
      case 'deploy':
        return this.deploy(command, text);
      case 'status':
        return this.status(command);
      case 'rollback':
        return this.rollback(command, text);
      default:
        return { ack: ephemeral(`Unknown command \`${command.command}\`.\n${USAGE}`) };
    }
  }

  /** The configured default repository and target, or what to configure. */
  async defaults(): Promise<Defaults | { problem: string }> {
    return chatOpsDefaults(this.deps.config, this.deps.connections, this.deps.deployments);
  }

  private async deploy(command: SlashCommand, text: string): Promise<CommandOutcome> {
    const version = text.split(/\s+/)[0] || undefined;
    if (version && !VERSION_PATTERN.test(version))
      return { ack: ephemeral(`\`${version.slice(0, 80)}\` is not a tag or commit. Usage: \`/platform-deploy [version]\``) };
    const defaults = await this.defaults();
    if ('problem' in defaults) return { ack: ephemeral(`:warning: ${defaults.problem}`) };
    const { request, target } = defaults;
    const serviceKey = canonicalServiceKey(target.cluster, target.service);
    const policy = this.deps.deployments.policyFor(serviceKey);
    const slackGroups = await slackGroupsOf(this.deps.slack, command.userId, policy.deployers?.slackGroups ?? [], this.deps.logger);
    const refusal = slackDeployerRefusal(policy, serviceKey, { slackUserId: command.userId, slackGroups });
    if (refusal) return this.refused(command, 'deploy', refusal);
    const what = `${request.owner}/${request.repo} \`${version ?? `${request.branch} (branch head)`}\``;
    return { ack: await this.startDeployment({ ...request, ...(version ? { version } : {}) }, command, what) };
  }

  /** A command the policy refuses: the rule, to the user alone, and nothing started. */
  private refused(command: SlashCommand, verb: string, rule: string): CommandOutcome {
    this.deps.logger.warn({ userId: command.userId, command: command.command }, `Slack ${verb} refused by the approval policy`);
    return { ack: ephemeral(`:no_entry: <@${command.userId}>, you may not ${verb} from Slack: ${rule}. Nothing was started.`) };
  }

  private async startDeployment(request: DeployRequest, command: SlashCommand, what: string): Promise<SlackReply> {
    try {
      // The id comes from the request itself, so a retry or replay at any replica starts nothing new.
      const person = this.deps.config.people?.[command.userId];
      const admitted = await this.deps.deployments.start(
        request,
        { by: `slack:${command.userId}`, ...(person ? { person } : {}) },
        undefined,
        derivedDeploymentId(`slack:${command.requestKey}`),
      );
      const id = admitted.deploymentId;
      this.deps.logger.info(
        { deploymentId: id, by: command.userId, version: request.version ?? request.branch },
        'deployment started from Slack',
      );
      const queued =
        admitted.outcome === 'queued' ? ` It waits at position ${admitted.position} behind \`${admitted.runningDeploymentId}\`.` : '';
      return ephemeral(
        `:rocket: Deployment \`${id}\` of ${what} started by <@${command.userId}>.${queued} Follow it with \`/platform-status\` or GET /api/v1/deploy/${id}/events.`,
      );
    } catch (error) {
      if (error instanceof ApiError) return ephemeral(`:x: Could not start a deployment of ${what}: ${error.message}`);
      this.deps.logger.error({ err: error }, 'Slack deploy failed');
      return ephemeral(`:x: Could not start a deployment of ${what}: unexpected error (see the Switchyard log).`);
    }
  }

  private async status(command: SlashCommand): Promise<CommandOutcome> {
    const defaults = await this.defaults();
    if ('problem' in defaults) return { ack: ephemeral(`:warning: ${defaults.problem}`) };
    const { target, request } = defaults;
    return {
      ack: ephemeral(`:mag: Reading the state of \`${target.cluster}/${target.service}\`…`),
      work: async () => {
        let text: string;
        try {
          const aws = await this.deps.connections.awsSecret(request.awsConnectionId);
          if (!aws) throw new ApiError(400, 'AWS connection not found');
          const serviceKey = `${target.cluster}/${target.service}`;
          const [status, listed, freeze] = await Promise.all([
            readServiceStatus(aws, this.deps.awsEndpoint, target, this.deps.baseAwsCredentials),
            this.deps.deployments.list({ service: serviceKey, limit: 20 }),
            this.deps.deployments.activeFreeze(serviceKey).catch(() => undefined),
          ]);
          // Each running deployment's step and weight, from its snapshot (a few at most; unreadable: just the row).
          const running = await Promise.all(
            listed
              .filter((d) => d.closedAt === null)
              .map(async (d) => {
                const s = await this.deps.deployments.snapshot(d.deploymentId).catch(() => undefined);
                return { ...d, steps: s?.steps, currentStep: s?.currentStep, trafficWeight: s?.trafficWeight, bakeEndsAt: s?.bakeEndsAt };
              }),
          );
          const frozen = freeze
            ? `:snowflake: *Frozen* until ${freeze.endsAt}: ${freeze.reason} (\`${freeze.id}\`, set by ${freeze.by}). Deploys wait; a switch needs an admin's override.\n`
            : '';
          text = frozen + formatServiceStatus(target, status, running);
        } catch (error) {
          this.deps.logger.warn({ err: error }, 'Slack status failed');
          const reason = error instanceof Error && 'name' in error ? `${error.name}: ${error.message}` : 'unexpected error';
          text = `:x: Could not read the state of \`${target.cluster}/${target.service}\`: ${reason.slice(0, 300)}`;
        }
        await postToResponseUrl(command.responseUrl, ephemeral(text), this.deps.logger);
      },
    };
  }

  private async rollback(command: SlashCommand, reason: string): Promise<CommandOutcome> {
    const defaults = await this.defaults();
    if ('problem' in defaults) return { ack: ephemeral(`:warning: ${defaults.problem}`) };
    const { target } = defaults;
    const service = canonicalServiceKey(target.cluster, target.service);
    const policy = this.deps.deployments.policyFor(service);
    const slackGroups = await slackGroupsOf(this.deps.slack, command.userId, policy.slackGroups, this.deps.logger);
    const person = this.deps.config.people?.[command.userId];
    const actor = {
      by: `slack:${command.userId}`,
      via: 'slack' as const,
      slackUserId: command.userId,
      slackGroups,
      ...(person ? { person } : {}),
    };
    const refusal = rollbackActorRefusal(policy, service, actor);
    if (refusal) return this.refused(command, 'roll back', refusal);
    let reply: SlackReply;
    try {
      reply = await this.rollbackCurrent(service, { ...actor, ...(reason ? { reason } : {}) }, command);
    } catch (error) {
      if (!(error instanceof ApiError)) this.deps.logger.error({ err: error }, 'Slack rollback failed');
      reply = ephemeral(`:x: Rollback failed: ${error instanceof ApiError ? error.message : 'unexpected error (see the Switchyard log)'}`);
    }
    return { ack: reply };
  }

  /**
   * The same rollback as `POST /api/v1/deploy/{id}/rollback` on the service's current release
   * (its deployment that completed last): the task definition it replaced is redeployed, with no
   * build and no wait at the gate. The rollback's id comes from the Slack request, so a retry or
   * a replay at any replica starts nothing new.
   */
  private async rollbackCurrent(service: string, decision: DecisionRequest, command: SlashCommand): Promise<SlackReply> {
    const current = await this.deps.deployments.currentRelease(service);
    if (!current)
      return ephemeral(`:information_source: Nothing to roll back: Switchyard knows no completed deployment of \`${service}\`.`);
    const { rollbackDeploymentId: id } = await this.deps.deployments.rollback(
      current,
      decision,
      derivedDeploymentId(`slack:${command.requestKey}`),
    );
    this.deps.logger.info({ deploymentId: id, rollbackOf: current, by: command.userId }, 'rollback started from Slack');
    return ephemeral(
      `:leftwards_arrow_with_hook: Rolling back \`${service}\`: the current release \`${current}\` is undone by redeploying the task definition it replaced; deployment \`${id}\` started by <@${command.userId}>.`,
    );
  }
}
