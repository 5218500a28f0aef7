// The set-up that the scale-out test and the scale bench row (bench/scale.ts) share before they
// start Switchyard's own processes on the two-node cluster: the sandbox emulators as their own
// process, the sandbox's connections in the shared PostgreSQL, and the environment every worker
// and API process is given. One copy, so the bench measures the stack the test proves.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PostgresConnectionStore } from '../../common/connections/postgres-connection-store.js';
import { SecretBox } from '../../common/secrets/secret-box.js';
import { parseEnvironment } from '../../emulators/split/environment.js';
import { startProcess, waitFor, type Child } from '../support/processes.js';
import type { TemporalCluster } from './cluster-types.js';

export interface SandboxProcessOptions {
  /** Where the sandbox writes its environment file (`sandbox.env`). */
  dir: string;
  /** The services the sandbox seeds are `<serviceName>-1` … `<serviceName>-<services>`. */
  serviceName: string;
  services: number;
  /** Every API's CodeDeploy hook URL: the emulator calls them in turn. */
  hookUrls: readonly string[];
  timeoutMs: number;
  /** GitHub requests per token and hour (`--github-rate-limit`); unset: a user's 5,000. */
  githubRateLimit?: number;
}

/** `npm run sandbox` as its own process, added to `children` (to be stopped with them); resolves to the environment it wrote. */
export async function startSandboxProcess(children: Child[], options: SandboxProcessOptions): Promise<Record<string, string>> {
  const envFile = join(options.dir, 'sandbox.env');
  const sandbox = startProcess(
    'sandbox',
    [
      'emulators/main.ts',
      '--',
      '--env-file',
      envFile,
      '--service',
      options.serviceName,
      '--services',
      String(options.services),
      '--step-ms',
      '100',
      '--poll-ms',
      '200',
      '--hook-url',
      options.hookUrls.join(','),
      ...(options.githubRateLimit ? ['--github-rate-limit', String(options.githubRateLimit)] : []),
    ],
    {},
  );
  children.push(sandbox);
  await waitFor('the sandbox env file', [sandbox], () => existsSync(envFile), options.timeoutMs);
  return parseEnvironment(readFileSync(envFile, 'utf8'));
}

/**
 * The sandbox's GitHub and AWS connections, made in the shared database with the store and key
 * the APIs use, so they exist before any API starts (Slack's defaults, the bench's deploys).
 */
export async function addSandboxConnections(
  databaseUrl: string,
  encryptionKey: string,
  env: Record<string, string>,
): Promise<{ githubConnectionId: string; awsConnectionId: string }> {
  const store = new PostgresConnectionStore(databaseUrl, new SecretBox(Buffer.from(encryptionKey, 'base64')));
  try {
    const github = await store.addGitHub(
      { owner: env.SANDBOX_GITHUB_OWNER!, repo: env.SANDBOX_GITHUB_REPO!, branch: 'main' },
      { token: env.SANDBOX_GITHUB_TOKEN! },
    );
    const aws = await store.addAws(
      { region: env.AWS_REGION!, accountId: '123456789012' },
      { accessKeyId: env.SANDBOX_AWS_ACCESS_KEY_ID!, secretAccessKey: env.SANDBOX_AWS_SECRET_ACCESS_KEY! },
    );
    return { githubConnectionId: github.id, awsConnectionId: aws.id };
  } finally {
    await store.close();
  }
}

export interface StackEnvOptions {
  cluster: Pick<TemporalCluster, 'failoverAddress' | 'namespace'>;
  taskQueue: string;
  databaseUrl: string;
  encryptionKey: string;
  apiKey: string;
  /** Prebuilt, as in the image: a worker started late does not bundle on the shared cores. */
  bundlePath: string;
}

/** What every worker and API process of the stack is given: the sandbox's environment, Temporal through the address fronting both nodes, the shared database and keys. */
export function stackEnv(sandboxEnv: Record<string, string>, options: StackEnvOptions): Record<string, string> {
  return {
    ...sandboxEnv,
    TEMPORAL_ADDRESS: options.cluster.failoverAddress,
    TEMPORAL_NAMESPACE: options.cluster.namespace,
    TEMPORAL_TASK_QUEUE: options.taskQueue,
    DATABASE_URL: options.databaseUrl,
    SWITCHYARD_ENCRYPTION_KEY: options.encryptionKey,
    SWITCHYARD_API_KEY: options.apiKey,
    DISTRIBUTION_SYNC_WAIT_MS: '0',
    WORKFLOW_BUNDLE_PATH: options.bundlePath,
  };
}
