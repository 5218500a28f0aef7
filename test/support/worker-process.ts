// The production worker entry point (worker/main.ts) as a child process, so a test can SIGKILL
// it mid-stage the way a crashed machine would, or stop it as an orchestrator does (SIGTERM), and
// start a fresh one.
import { spawn, type ChildProcess } from 'node:child_process';
import { inject } from 'vitest';

export interface WorkerProcess {
  child: ChildProcess;
  output(): string;
  kill(): Promise<void>;
  /** SIGTERM, as a rolling restart sends it; resolves once the process has exited. */
  stop(): Promise<void>;
}

export async function spawnWorker(env: Record<string, string>): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'worker/main.ts'], {
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 60_000;
  while (!output.includes('worker polling')) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`worker process did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    child,
    output: () => output,
    async kill() {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

export interface SandboxWorkerOptions {
  taskQueue: string;
  /** The key the test's app seals connections with: production entries require one. */
  encryptionKey: string;
  dataDir: string;
  sandbox: { githubApiUrl: string; awsEndpoint: string };
}

/**
 * A production-mode worker (SWITCHYARD_SANDBOX=false) on the test Temporal server, reaching the
 * sandbox's emulators as it would the real services; `env` adds to or overrides its settings.
 */
export function spawnSandboxWorker(options: SandboxWorkerOptions, env: Record<string, string> = {}): Promise<WorkerProcess> {
  return spawnWorker({
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_NAMESPACE: inject('temporalNamespace'),
    TEMPORAL_TASK_QUEUE: options.taskQueue,
    SWITCHYARD_SANDBOX: 'false',
    SWITCHYARD_ENCRYPTION_KEY: options.encryptionKey,
    SWITCHYARD_DATA_DIR: options.dataDir,
    GITHUB_API_URL: options.sandbox.githubApiUrl,
    SWITCHYARD_AWS_ENDPOINT: options.sandbox.awsEndpoint,
    DEPLOY_POLL_MS: '100',
    ...env,
  });
}
