// Slack (ChatOps, approval buttons, notices) and CodeDeploy hook configuration. Parsed apart from
// common/config/config.ts so the API and the worker can load it from the same environment.
import { WebClient } from '@slack/web-api';
import { z } from 'zod';
import { ConfigError } from './config-error.js';

const text = z.string().min(1);

export const slackConfigSchema = z.object({
  SLACK_SIGNING_SECRET: text.optional(),
  SLACK_BOT_TOKEN: text.optional(),
  SLACK_CHANNEL_ID: text.optional(),
  /** Comma-separated Slack user ids allowed to switch traffic or roll back from a button. */
  SLACK_APPROVERS: z.string().optional(),
  /** Comma-separated Slack user ids who may also `/platform-deploy` (besides SLACK_APPROVERS) where a policy names no deployers. */
  SLACK_DEPLOYERS: z.string().optional(),
  /** The Web API base URL: the sandbox's Slack emulator; Slack itself when unset. */
  SLACK_API_URL: z.url().optional(),
  SLACK_DEFAULT_GITHUB_CONNECTION_ID: z
    .string()
    .regex(/^gh_[a-z0-9]{10}$/, 'must be a GitHub connection id (gh_…)')
    .optional(),
  SLACK_DEFAULT_AWS_CONNECTION_ID: z
    .string()
    .regex(/^aws_[a-z0-9]{10}$/, 'must be an AWS connection id (aws_…)')
    .optional(),
  SLACK_DEFAULT_OWNER: text.optional(),
  SLACK_DEFAULT_REPO: text.optional(),
  SLACK_DEFAULT_BRANCH: text.optional(),
  GIF_BASE_URL: z.url().optional(),
  GIF_DEPLOYING: z.url().optional(),
  GIF_SUCCESS: z.url().optional(),
  GIF_FAILURE: z.url().optional(),
  /** The ChatOps bot's names, accepted as aliases of GIF_SUCCESS and GIF_FAILURE. */
  GIF_DEPLOY_SUCCESS: z.url().optional(),
  GIF_DEPLOY_FAIL: z.url().optional(),
  CODEDEPLOY_HOOK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  /** Overrides the AWS connection used to report hook status (default: the deployment's own). */
  CODEDEPLOY_HOOK_AWS_CONNECTION_ID: z
    .string()
    .regex(/^aws_[a-z0-9]{10}$/, 'must be an AWS connection id (aws_…)')
    .optional(),
});

export interface SlackGifs {
  deploying?: string;
  success?: string;
  failure?: string;
}

export interface SlackConfig {
  signingSecret: string | undefined;
  botToken: string | undefined;
  channelId: string | undefined;
  apiUrl: string | undefined;
  approvers: string[];
  /** Who may `/platform-deploy` besides the approvers, where a service's policy names no deployers. */
  deployers: string[];
  /** What `/platform-deploy`, `/platform-status` and `/platform-rollback` act on. */
  defaults: {
    githubConnectionId: string | undefined;
    awsConnectionId: string | undefined;
    /** Default: the GitHub connection's owner, repo and branch. */
    owner: string | undefined;
    repo: string | undefined;
    branch: string | undefined;
  };
  gifs: SlackGifs;
  hook: { secret: string | undefined; awsConnectionId: string | undefined };
  /** SWITCHYARD_IDENTITIES: Slack user id → person, so a person's Slack approval and API approval count once. */
  people?: Record<string, string>;
}

const idList = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

export function loadSlackConfig(env: NodeJS.ProcessEnv = process.env): SlackConfig {
  const present = Object.fromEntries(
    Object.entries(env).filter(([key, value]) => key in slackConfigSchema.shape && value !== undefined && value !== ''),
  );
  const parsed = slackConfigSchema.safeParse(present);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  const raw = parsed.data;
  const base = raw.GIF_BASE_URL?.replace(/\/+$/, '');
  const gif = (explicit: string | undefined, file: string) => explicit ?? (base ? `${base}/${file}` : undefined);
  return {
    signingSecret: raw.SLACK_SIGNING_SECRET,
    botToken: raw.SLACK_BOT_TOKEN,
    channelId: raw.SLACK_CHANNEL_ID,
    apiUrl: raw.SLACK_API_URL,
    approvers: idList(raw.SLACK_APPROVERS),
    deployers: idList(raw.SLACK_DEPLOYERS),
    defaults: {
      githubConnectionId: raw.SLACK_DEFAULT_GITHUB_CONNECTION_ID,
      awsConnectionId: raw.SLACK_DEFAULT_AWS_CONNECTION_ID,
      owner: raw.SLACK_DEFAULT_OWNER,
      repo: raw.SLACK_DEFAULT_REPO,
      branch: raw.SLACK_DEFAULT_BRANCH,
    },
    // The ChatOps bot's GIFs only: {GIF_BASE_URL}/deploying.gif, deploy_complete.gif, failed.gif.
    gifs: {
      deploying: gif(raw.GIF_DEPLOYING, 'deploying.gif'),
      success: gif(raw.GIF_SUCCESS ?? raw.GIF_DEPLOY_SUCCESS, 'deploy_complete.gif'),
      failure: gif(raw.GIF_FAILURE ?? raw.GIF_DEPLOY_FAIL, 'failed.gif'),
    },
    hook: { secret: raw.CODEDEPLOY_HOOK_SECRET, awsConnectionId: raw.CODEDEPLOY_HOOK_AWS_CONNECTION_ID },
  };
}

/** The Web API client for the configured bot token (and emulator URL), or undefined without a token. */
export function createSlackWebClient(
  config: Pick<SlackConfig, 'botToken' | 'apiUrl'>,
  options: { retries?: number; timeoutMs?: number } = {},
): WebClient | undefined {
  if (!config.botToken) return undefined;
  return new WebClient(config.botToken, {
    ...(config.apiUrl ? { slackApiUrl: config.apiUrl.endsWith('/') ? config.apiUrl : `${config.apiUrl}/` } : {}),
    ...(options.retries !== undefined ? { retryConfig: { retries: options.retries } } : {}),
    timeout: options.timeoutMs ?? 10_000,
  });
}
