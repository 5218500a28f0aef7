// Sandbox mode: every external service as a local emulator, wired together the way the real ones
// are (a GitHub Actions build pushes its image to ECR), seeded with a demo repository and a
// blue/green ECS service, and known sandbox credentials for the README walkthrough.
import { randomBytes } from 'node:crypto';
import type { DeployTarget } from '../domain/deployment.js';
import { blueGreenUrls, seed as seedAws, startAwsEmulator, type RunningAwsEmulator } from './aws/index.js';
import { startChannelEmulators, type RunningChannelEmulators } from './channels/server.js';
import {
  BUILD_WORKFLOW_FILE,
  SANDBOX_OWNER,
  SANDBOX_REPOS,
  seedSandboxRepos,
  startGitHubEmulator,
  type RunningGitHubEmulator,
} from './github/index.js';
import { startSlackEmulator, type RunningSlackEmulator } from './slack/index.js';
import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { createHookHandler, type HandlerOptions } from '../lambda/after-allow-test-traffic/handler.js';
import { ACCOUNT_ID } from './aws/aws-identity.js';
import type { ConnectionStore } from '../common/connections/connection-store.js';
import type { SlackConfig } from '../common/config/slack.js';
import { PUBLISHED_SANDBOX_SECRETS } from '../common/secrets/sandbox-secrets.js';
import { createFaultInjector, type FaultInjector, type FaultPlan } from './faults.js';
import { keepSandboxState, readSandboxPorts, readSandboxState, writeSandboxPorts, type SandboxStateWriter } from './sandbox-state.js';
import type { RateLimitOptions } from './github/rate-limits.js';

/** Sandbox-only credentials: accepted by the emulators and nothing else (published: common/secrets/sandbox-secrets.ts). */
export const SANDBOX_CREDENTIALS = {
  githubToken: PUBLISHED_SANDBOX_SECRETS.githubToken,
  /** A fine-grained token that may read the sandbox repositories but has no Actions write permission. */
  githubReadOnlyToken: PUBLISHED_SANDBOX_SECRETS.githubReadOnlyToken,
  awsAccessKeyId: PUBLISHED_SANDBOX_SECRETS.awsAccessKeyId,
  awsSecretAccessKey: PUBLISHED_SANDBOX_SECRETS.awsSecretAccessKey,
  /** A key the AWS emulator knows but refuses (sts:GetCallerIdentity not authorized). */
  awsUnauthorizedAccessKeyId: PUBLISHED_SANDBOX_SECRETS.awsUnauthorizedAccessKeyId,
  region: 'ap-northeast-2',
} as const;

/**
 * The sandbox's "default credential chain": the base identity (the emulator's IAM user) that
 * assumes role connections' roles, as the SDK's chain would find it in AWS_ACCESS_KEY_ID/… .
 */
export const sandboxBaseAwsCredentials = async () => ({
  accessKeyId: SANDBOX_CREDENTIALS.awsAccessKeyId,
  secretAccessKey: SANDBOX_CREDENTIALS.awsSecretAccessKey,
});

/** Sandbox Slack: the emulator's bot token, a signing secret to sign requests with, an approver. */
export const SANDBOX_SLACK = {
  botToken: PUBLISHED_SANDBOX_SECRETS.slackBotToken,
  signingSecret: PUBLISHED_SANDBOX_SECRETS.slackSigningSecret,
  channelId: 'C0SWITCHYARD',
  approver: 'USANDBOXAPPROVER',
  hookSecret: PUBLISHED_SANDBOX_SECRETS.hookSecret,
} as const;

export const SANDBOX_SERVICE = {
  cluster: 'panda-cluster',
  service: 'panda-service',
  containerName: 'app',
  containerPort: 8080,
  application: 'panda-app',
  deploymentGroup: 'panda-dg',
  owner: SANDBOX_OWNER,
  repo: SANDBOX_REPOS.deployable,
  repository: `${SANDBOX_OWNER}-${SANDBOX_REPOS.deployable}`,
} as const;

/**
 * The sandbox's AfterAllowTestTraffic Lambda. The `CodeDeployHook_` prefix is what the managed
 * policy AWSCodeDeployRoleForECSLimited lets CodeDeploy invoke.
 */
export const SANDBOX_HOOK_FUNCTION = 'CodeDeployHook_switchyard';
/** The same function by ARN, as an ECS-native service's Lambda hook must name it (DEPLOY_HOOK_FUNCTION). */
export const SANDBOX_HOOK_FUNCTION_ARN = `arn:aws:lambda:${SANDBOX_CREDENTIALS.region}:${ACCOUNT_ID}:function:${SANDBOX_HOOK_FUNCTION}`;

export interface SandboxOptions {
  /** Step of the simulated GitHub build and of CodeDeploy's lifecycle (ms). */
  stepMs?: number;
  /** Length of a CodeDeploy "minute" (ready wait, hook timeout); tests shorten it. */
  minuteMs?: number;
  /**
   * The AfterAllowTestTraffic hook function deployments to the sandbox name in their AppSpec
   * (`target.hookFunction`). The function itself is installed by connectSandboxHook, or by a test
   * registering one in `aws.state.lambda`; until then CodeDeploy fails the hook as AWS would.
   * Without it deployments name no hook and AfterAllowTestTraffic passes on its own.
   */
  hookFunction?: string;
  /**
   * Name of the seeded ECS service (default panda-service). Sandboxes sharing one Temporal
   * server (test files running side by side) need different names: one deployment runs per service.
   */
  serviceName?: string;
  /**
   * A folder to keep the emulators' state and ports in (npm start: `<data folder>/sandbox`). A
   * start finds what the last one left there (see sandbox-state.ts); without it every start is new.
   */
  stateDir?: string;
  /**
   * Faults to inject into every emulator's service APIs (throttling, 5xx, dropped connections),
   * from one shared injector: the fault suite's sandbox. Without it nothing is injected.
   */
  faults?: FaultPlan;
  /** GitHub's primary rate limit per token (default 5,000 an hour). */
  githubRateLimit?: RateLimitOptions;
}

export interface Sandbox {
  github: RunningGitHubEmulator;
  aws: RunningAwsEmulator;
  channels: RunningChannelEmulators;
  slack: RunningSlackEmulator;
  githubApiUrl: string;
  awsEndpoint: string;
  /** Defaults for deployments to the seeded service. */
  target: Omit<DeployTarget, 'ecrRepository'>;
  /** The injector all four emulators share, when started with `faults`. */
  faults?: FaultInjector;
  close(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const service = options.serviceName ?? SANDBOX_SERVICE.service;
  const { stateDir } = options;
  const saved = stateDir ? readSandboxState(stateDir) : undefined;
  const ports = stateDir ? readSandboxPorts(stateDir) : {};
  const faults = options.faults ? createFaultInjector(options.faults) : undefined;
  const sharedFaults = faults ? { faults } : {};
  const aws = await onPreferredPort(ports.aws, (port) =>
    startAwsEmulator({
      credentials: {
        accessKeyIds: [SANDBOX_CREDENTIALS.awsAccessKeyId],
        unauthorizedAccessKeyId: SANDBOX_CREDENTIALS.awsUnauthorizedAccessKeyId,
      },
      region: SANDBOX_CREDENTIALS.region,
      // npm start's pace: each CodeDeploy step and build step still happens, just not slower than a
      // user needs to watch them (docs/performance-startup.md).
      stepMs: options.stepMs ?? 150,
      ...(options.minuteMs ? { minuteMs: options.minuteMs } : {}),
      ...sharedFaults,
      port,
    }),
  );
  if (saved) {
    aws.state.importData(saved.aws);
  } else {
    seedAws(aws.state, {
      cluster: SANDBOX_SERVICE.cluster,
      service,
      containerName: SANDBOX_SERVICE.containerName,
      containerPort: SANDBOX_SERVICE.containerPort,
      application: SANDBOX_SERVICE.application,
      deploymentGroup: SANDBOX_SERVICE.deploymentGroup,
      repository: SANDBOX_SERVICE.repository,
    });
  }
  const github = await onPreferredPort(ports.github, (port) =>
    startGitHubEmulator({
      tokens: [SANDBOX_CREDENTIALS.githubToken, `ghp_${randomBytes(18).toString('hex')}`],
      readOnlyTokens: [SANDBOX_CREDENTIALS.githubReadOnlyToken],
      stepMs: options.stepMs ?? 250,
      ...(options.githubRateLimit ? { rateLimit: options.githubRateLimit } : {}),
      // What the build workflow's last step does for real: push the image to ECR.
      onImageBuilt: (built) => aws.state.ecr.pushImage(built.ecrRepository, built.imageTag).digest,
      ...sharedFaults,
      port,
    }),
  );
  seedSandboxRepos(github.state);
  const token = () => randomBytes(16).toString('hex');
  const channels = await onPreferredPort(ports.channels, (port) =>
    startChannelEmulators({ tokens: { instagram: token(), partners: token() }, instagram: { processingMs: 500 }, ...sharedFaults, port }),
  );
  const slack = await onPreferredPort(ports.slack, (port) =>
    startSlackEmulator({ botToken: SANDBOX_SLACK.botToken, ...sharedFaults, port }),
  );
  if (saved) slack.state.importData(saved.slack);
  let writer: SandboxStateWriter | undefined;
  if (stateDir) {
    writeSandboxPorts(stateDir, {
      aws: portOf(aws.url),
      github: portOf(github.url),
      channels: portOf(channels.url),
      slack: portOf(slack.url),
    });
    writer = keepSandboxState(stateDir, () => ({ version: 1, aws: aws.state.exportData(), slack: slack.state.exportData() }));
  }
  const { blueUrl, greenUrl } = blueGreenUrls(aws.url, SANDBOX_SERVICE.cluster, service);
  return {
    github,
    aws,
    channels,
    slack,
    ...sharedFaults,
    githubApiUrl: github.url,
    awsEndpoint: aws.url,
    target: {
      cluster: SANDBOX_SERVICE.cluster,
      service,
      codeDeployApplication: SANDBOX_SERVICE.application,
      codeDeployGroup: SANDBOX_SERVICE.deploymentGroup,
      containerName: SANDBOX_SERVICE.containerName,
      containerPort: SANDBOX_SERVICE.containerPort,
      blueUrl,
      greenUrl,
      buildWorkflow: BUILD_WORKFLOW_FILE,
      ...(options.hookFunction ? { hookFunction: options.hookFunction } : {}),
    },
    async close() {
      writer?.stop();
      writer?.flush();
      await Promise.all([github.close(), aws.close(), channels.close(), slack.close()]);
    },
  };
}

const portOf = (url: string) => Number(new URL(url).port);

/** Starts on the port an earlier start used, so that URLs it handed out still work; on a new one when that is taken. */
async function onPreferredPort<T>(preferred: number | undefined, start: (port: number) => Promise<T>): Promise<T> {
  if (preferred) {
    try {
      return await start(preferred);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
      console.warn(`sandbox: port ${preferred} is taken; URLs from the last start (probe URLs of running deployments) will not answer`);
    }
  }
  return start(0);
}

/**
 * The sandbox's GitHub and AWS connections (created once in the data folder, then reused), so
 * Slack's slash commands have a default repository and target out of the box.
 */
export async function ensureSandboxConnections(store: ConnectionStore): Promise<{ githubConnectionId: string; awsConnectionId: string }> {
  const existing = await store.list();
  const github =
    existing.find((c) => c.kind === 'github' && c.owner === SANDBOX_SERVICE.owner && c.repo === SANDBOX_SERVICE.repo) ??
    (await store.addGitHub(
      { owner: SANDBOX_SERVICE.owner, repo: SANDBOX_SERVICE.repo, branch: 'main' },
      { token: SANDBOX_CREDENTIALS.githubToken },
    ));
  const aws =
    existing.find((c) => c.kind === 'aws' && c.region === SANDBOX_CREDENTIALS.region) ??
    (await store.addAws(
      { region: SANDBOX_CREDENTIALS.region, accountId: '123456789012' },
      { accessKeyId: SANDBOX_CREDENTIALS.awsAccessKeyId, secretAccessKey: SANDBOX_CREDENTIALS.awsSecretAccessKey },
    ));
  return { githubConnectionId: github.id, awsConnectionId: aws.id };
}

/** The configured Slack settings with the sandbox's filled in wherever nothing was configured. */
export function sandboxSlackConfig(
  configured: SlackConfig,
  sandbox: Sandbox,
  defaults?: { githubConnectionId: string; awsConnectionId: string },
): SlackConfig {
  return {
    ...configured,
    signingSecret: configured.signingSecret ?? SANDBOX_SLACK.signingSecret,
    botToken: configured.botToken ?? SANDBOX_SLACK.botToken,
    channelId: configured.channelId ?? SANDBOX_SLACK.channelId,
    apiUrl: configured.apiUrl ?? sandbox.slack.apiUrl,
    approvers: configured.approvers.length > 0 ? configured.approvers : [SANDBOX_SLACK.approver],
    defaults: {
      ...configured.defaults,
      githubConnectionId: configured.defaults.githubConnectionId ?? defaults?.githubConnectionId,
      awsConnectionId: configured.defaults.awsConnectionId ?? defaults?.awsConnectionId,
    },
    hook: { ...configured.hook, secret: configured.hook.secret ?? SANDBOX_SLACK.hookSecret },
  };
}

/**
 * Installs the sandbox's hook function (the one its deployments name): the real forwarding Lambda
 * handler (lambda/after-allow-test-traffic) pointed at Switchyard, as in AWS. CodeDeploy invokes it
 * as AfterAllowTestTraffic; ECS-native services invoke it by SANDBOX_HOOK_FUNCTION_ARN at
 * POST_TEST_TRAFFIC_SHIFT with ECS's payload (it posts those to the ECS door beside `hookUrl`).
 */
export function connectSandboxHook(
  sandbox: Sandbox,
  hookUrl: string,
  hookSecret: string,
  log: HandlerOptions['log'] = () => undefined,
): void {
  const name = sandbox.target.hookFunction;
  if (!name) throw new Error('connectSandboxHook: start the sandbox with a hookFunction for deployments to name');
  const codedeploy = new CodeDeployClient({
    endpoint: sandbox.awsEndpoint,
    region: SANDBOX_CREDENTIALS.region,
    credentials: { accessKeyId: SANDBOX_CREDENTIALS.awsAccessKeyId, secretAccessKey: SANDBOX_CREDENTIALS.awsSecretAccessKey },
  });
  // ECS re-invokes after callBackDelay seconds (emulator seconds: minuteMs / 60), not a real 30 s.
  const lambda = createHookHandler({ hookUrl, hookSecret, codedeploy, log, callBackDelaySeconds: 1 });
  sandbox.aws.state.lambda.register(name, lambda);
}
