// Sandbox mode: every external service as a local emulator, wired together the way the real ones
// are (a GitHub Actions build pushes its image to ECR), seeded with a demo repository and a
// blue/green ECS service, and known sandbox credentials for the README walkthrough.
import { randomBytes } from 'node:crypto';
import type { DeployTarget } from '../workflows/deployment/types.js';
import { blueGreenUrls, seed as seedAws, startAwsEmulator, type RunningAwsEmulator } from './aws/index.js';
import type { LifecycleHooks } from './aws/index.js';
import { startChannelEmulators, type RunningChannelEmulators } from './channels/server.js';
import { BUILD_WORKFLOW_FILE, SANDBOX_OWNER, SANDBOX_REPOS, seedSandboxRepos, startGitHubEmulator, type RunningGitHubEmulator } from './github/index.js';

/** Sandbox-only credentials: accepted by the emulators and nothing else. */
export const SANDBOX_CREDENTIALS = {
  githubToken: 'ghp_switchyardSandboxToken000000000000000',
  awsAccessKeyId: 'AKIASWITCHYARDSANDBOX',
  awsSecretAccessKey: 'switchyard-sandbox-secret-access-key',
  /** A key the AWS emulator knows but refuses (sts:GetCallerIdentity not authorized). */
  awsUnauthorizedAccessKeyId: 'AKIASWITCHYARDNOPERMS',
  region: 'ap-northeast-2',
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

export interface SandboxOptions {
  /** Step of the simulated GitHub build and of CodeDeploy's lifecycle (ms). */
  stepMs?: number;
  /** Length of a CodeDeploy "minute" (ready wait, hook timeout); tests shorten it. */
  minuteMs?: number;
  /** CodeDeploy lifecycle hooks (the AfterAllowTestTraffic Lambda's stand-in). */
  hooks?: LifecycleHooks;
  /**
   * Name of the seeded ECS service (default panda-service). Sandboxes sharing one Temporal
   * server (test files running side by side) need different names: one deployment runs per service.
   */
  serviceName?: string;
}

export interface Sandbox {
  github: RunningGitHubEmulator;
  aws: RunningAwsEmulator;
  channels: RunningChannelEmulators;
  githubApiUrl: string;
  awsEndpoint: string;
  /** Defaults for deployments to the seeded service. */
  target: Omit<DeployTarget, 'ecrRepository'>;
  close(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const service = options.serviceName ?? SANDBOX_SERVICE.service;
  const aws = await startAwsEmulator({
    credentials: { accessKeyIds: [SANDBOX_CREDENTIALS.awsAccessKeyId], unauthorizedAccessKeyId: SANDBOX_CREDENTIALS.awsUnauthorizedAccessKeyId },
    region: SANDBOX_CREDENTIALS.region,
    stepMs: options.stepMs ?? 300,
    ...(options.minuteMs ? { minuteMs: options.minuteMs } : {}),
    ...(options.hooks ? { hooks: options.hooks } : {}),
  });
  seedAws(aws.state, {
    cluster: SANDBOX_SERVICE.cluster, service, containerName: SANDBOX_SERVICE.containerName,
    containerPort: SANDBOX_SERVICE.containerPort, application: SANDBOX_SERVICE.application, deploymentGroup: SANDBOX_SERVICE.deploymentGroup,
    repository: SANDBOX_SERVICE.repository,
  });
  const github = await startGitHubEmulator({
    tokens: [SANDBOX_CREDENTIALS.githubToken, `ghp_${randomBytes(18).toString('hex')}`],
    stepMs: options.stepMs ?? 500,
    // What the build workflow's last step does for real: push the image to ECR.
    onImageBuilt: (built) => { aws.state.ecr.pushImage(built.ecrRepository, built.imageTag); },
  });
  seedSandboxRepos(github.state);
  const token = () => randomBytes(16).toString('hex');
  const channels = await startChannelEmulators({ tokens: { instagram: token(), partners: token() }, instagram: { processingMs: 500 } });
  const { blueUrl, greenUrl } = blueGreenUrls(aws.url, SANDBOX_SERVICE.cluster, service);
  return {
    github, aws, channels,
    githubApiUrl: github.url,
    awsEndpoint: aws.url,
    target: {
      cluster: SANDBOX_SERVICE.cluster, service,
      codeDeployApplication: SANDBOX_SERVICE.application, codeDeployGroup: SANDBOX_SERVICE.deploymentGroup,
      containerName: SANDBOX_SERVICE.containerName, containerPort: SANDBOX_SERVICE.containerPort,
      blueUrl, greenUrl, buildWorkflow: BUILD_WORKFLOW_FILE,
    },
    async close() {
      await Promise.all([github.close(), aws.close(), channels.close()]);
    },
  };
}
