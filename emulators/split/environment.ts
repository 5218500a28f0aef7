// The environment a production-mode worker and API (SWITCHYARD_SANDBOX=false) need to run against
// a split sandbox, through the ordinary configuration variables (common/config/config.ts,
// common/config/slack.ts), plus SANDBOX_* lines with what a client connects with.
// Written as KEY=value lines that `set -a; . file`, docker's --env-file and dotenv all read.
import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { PartnerChannelType } from '../../domain/channels.js';
import { sandboxChannelEndpoints } from '../wiring/channel-endpoints.js';
import { SANDBOX_CREDENTIALS, SANDBOX_SERVICE, SANDBOX_SLACK, type Sandbox } from '../sandbox.js';

/** A seeded ECS service with its CodeDeploy application and group and its blue/green probe URLs. */
export interface SeededService {
  cluster: string;
  service: string;
  codeDeployApplication: string;
  codeDeployGroup: string;
  blueUrl: string;
  greenUrl: string;
}

export interface SplitSandboxUrls {
  github: string;
  aws: string;
  channels: string;
  slack: string;
}

export type SandboxEnvironment = [key: string, value: string][];

/**
 * Slack credentials of this run for the production-mode processes, which refuse the sandbox's
 * published ones (common/production-guard.ts): a fresh signing secret, and a fresh bot token the
 * Slack emulator accepts from now on.
 */
export function issueSlackSecrets(sandbox: Sandbox): { botToken: string; signingSecret: string } {
  const botToken = `xoxb-split-${randomBytes(12).toString('hex')}`;
  sandbox.slack.state.acceptBotToken(botToken);
  return { botToken, signingSecret: randomBytes(24).toString('hex') };
}

/** A CodeDeploy hook secret of this run (the published one is refused in production mode). */
export const freshHookSecret = (): string => randomBytes(24).toString('hex');

export function sandboxEnvironment(input: {
  sandbox: Sandbox;
  urls: SplitSandboxUrls;
  main: SeededService;
  extras: SeededService[];
  hookSecret: string;
  pollMs: number;
  /** Default: issued for this run (issueSlackSecrets). */
  slack?: { botToken: string; signingSecret: string };
}): SandboxEnvironment {
  const { sandbox, urls, main, extras } = input;
  const slack = input.slack ?? issueSlackSecrets(sandbox);
  // The worker's channel endpoints as sandbox mode builds them, at the URL clients use.
  const channels = sandboxChannelEndpoints({ ...sandbox.channels, url: urls.channels });
  const env: SandboxEnvironment = [
    ['SWITCHYARD_SANDBOX', 'false'],
    ['GITHUB_API_URL', urls.github],
    ['SWITCHYARD_AWS_ENDPOINT', urls.aws],
    ['AWS_REGION', SANDBOX_CREDENTIALS.region],
    ['DEPLOY_CLUSTER', main.cluster],
    ['DEPLOY_SERVICE', main.service],
    ['DEPLOY_CODEDEPLOY_APPLICATION', main.codeDeployApplication],
    ['DEPLOY_CODEDEPLOY_GROUP', main.codeDeployGroup],
    ['DEPLOY_CONTAINER_NAME', SANDBOX_SERVICE.containerName],
    ['DEPLOY_CONTAINER_PORT', String(SANDBOX_SERVICE.containerPort)],
    ['DEPLOY_BLUE_URL', main.blueUrl],
    ['DEPLOY_GREEN_URL', main.greenUrl],
    ['DEPLOY_BUILD_WORKFLOW', sandbox.target.buildWorkflow],
    ...(sandbox.target.hookFunction ? [['DEPLOY_HOOK_FUNCTION', sandbox.target.hookFunction] as [string, string]] : []),
    ['DEPLOY_POLL_MS', String(input.pollMs)],
    ['INSTAGRAM_GRAPH_URL', channels.instagram.graphBaseUrl],
    ['INSTAGRAM_USER_ID', channels.instagram.igUserId],
    ['INSTAGRAM_ACCESS_TOKEN', channels.instagram.accessToken],
    ...(Object.entries(channels.partners) as [PartnerChannelType, { baseUrl: string; token: string }][]).flatMap(
      ([channel, partner]): SandboxEnvironment => [
        [`${channel}_API_URL`, partner.baseUrl],
        [`${channel}_API_TOKEN`, partner.token],
      ],
    ),
    ['SLACK_API_URL', `${urls.slack}/api/`],
    ['SLACK_BOT_TOKEN', slack.botToken],
    ['SLACK_SIGNING_SECRET', slack.signingSecret],
    ['SLACK_CHANNEL_ID', SANDBOX_SLACK.channelId],
    ['SLACK_APPROVERS', SANDBOX_SLACK.approver],
    ['CODEDEPLOY_HOOK_SECRET', input.hookSecret],
    // Sandbox-only credentials and controls: what a client connects with, where the emulators are.
    ['SANDBOX_GITHUB_TOKEN', SANDBOX_CREDENTIALS.githubToken],
    ['SANDBOX_GITHUB_OWNER', SANDBOX_SERVICE.owner],
    ['SANDBOX_GITHUB_REPO', SANDBOX_SERVICE.repo],
    ['SANDBOX_AWS_ACCESS_KEY_ID', SANDBOX_CREDENTIALS.awsAccessKeyId],
    ['SANDBOX_AWS_SECRET_ACCESS_KEY', SANDBOX_CREDENTIALS.awsSecretAccessKey],
    ['SANDBOX_CHANNELS_URL', urls.channels],
    ['SANDBOX_SLACK_URL', urls.slack],
  ];
  if (extras.length > 0) {
    // Parallel lists; blue/green of each: $SWITCHYARD_AWS_ENDPOINT/bluegreen/<cluster>/<service>/{blue,green}.
    env.push(
      ['SANDBOX_EXTRA_SERVICES', extras.map((s) => s.service).join(',')],
      ['SANDBOX_EXTRA_APPLICATIONS', extras.map((s) => s.codeDeployApplication).join(',')],
      ['SANDBOX_EXTRA_GROUPS', extras.map((s) => s.codeDeployGroup).join(',')],
    );
  }
  return env;
}

const BARE = /^[A-Za-z0-9_@%+=:,./-]*$/;

/** KEY=value lines; a value with anything a shell would interpret is single-quoted. */
export function formatEnvironment(env: SandboxEnvironment): string {
  return env.map(([key, value]) => `${key}=${BARE.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`}\n`).join('');
}

/** Reads what formatEnvironment wrote (comments and blank lines skipped). */
export function parseEnvironment(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line.trim());
    if (!match) continue;
    const raw = match[2]!;
    env[match[1]!] = raw.startsWith("'") && raw.endsWith("'") && raw.length >= 2 ? raw.slice(1, -1).replace(/'\\''/g, "'") : raw;
  }
  return env;
}

/** Writes the file whole or not at all (temporary file, then rename): a reader never sees half of it. */
export function writeEnvironmentFile(path: string, env: SandboxEnvironment): string {
  const target = resolve(path);
  mkdirSync(dirname(target), { recursive: true });
  const temporary = `${target}.${process.pid}.tmp`;
  const header =
    `# Switchyard split sandbox (npm run sandbox), pid ${process.pid}, ${new Date().toISOString()}\n` +
    '# Load with: set -a; . <this file>; set +a\n';
  try {
    // Sandbox-only tokens, but tokens: readable by the owner only.
    writeFileSync(temporary, header + formatEnvironment(env), { mode: 0o600 });
    renameSync(temporary, target);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
  return target;
}
