// One scenario's system: the emulators in this process (their counters outlive every kill), and
// the production worker and API entry points (SWITCHYARD_SANDBOX=false) as child processes
// configured the way the split sandbox configures them, against the suite's Temporal server.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  connectSandboxHook,
  SANDBOX_CREDENTIALS,
  SANDBOX_HOOK_FUNCTION,
  SANDBOX_SERVICE,
  startSandbox,
  type Sandbox,
  type SandboxOptions,
} from '../emulators/sandbox.js';
import { freePort } from '../test/support/free-port.js';
import { apiClient, type ApiClient } from './api-client.js';
import { startAwsTap, type AwsTap } from './aws-tap.js';
import { startHookRecorder, type HookRecorder } from './hook-recorder.js';
import { startNode, waitUntil, type Child } from './processes.js';
import { deployWhenAdmitted } from './stack-deploy.js';
import { stackEnvironment } from './stack-environment.js';
import { seedLanes } from './stack-lanes.js';
import type { TemporalServer } from './temporal-server.js';

export interface StackOptions {
  /** Names the seeded service and the task queue: one deployment per service at a time. */
  name: string;
  /** Step of the simulated build and CodeDeploy lifecycle. */
  stepMs: number;
  /** DEPLOY_POLL_MS of the worker. */
  pollMs: number;
  /** More startSandbox options (fault injection). */
  sandbox?: Partial<SandboxOptions>;
  /** Put the AWS tap between the worker and the AWS emulator. */
  tap?: boolean;
  /** Environment of the worker and API on top of the suite's (timeouts, say). */
  env?: Record<string, string>;
  /** Seeded services (default 1), so that deployments can run side by side (one per service at a time). */
  lanes?: number;
}

/** One seeded ECS service with its CodeDeploy application and group. */
export interface Lane {
  service: string;
  codeDeployApplication: string;
  codeDeployGroup: string;
  blueUrl: string;
  greenUrl: string;
}

export interface Stack {
  sandbox: Sandbox;
  tap: AwsTap | undefined;
  /** What the API answered each hook call. */
  hooks: HookRecorder;
  lanes: Lane[];
  /**
   * Starts a deployment to the lane's service; returns its id. Waits while the service is still
   * held by a deployment that has already ended (its release is a workflow task of the service's
   * admission workflow, late when the worker was just killed), and records each such wait.
   */
  deploy(lane: Lane): Promise<string>;
  /** How long each deploy waited for an ended deployment to release its service (ms). */
  admissionWaits: number[];
  api: ApiClient;
  apiUrl: string;
  worker(): Child;
  apiProcess(): Child;
  /** SIGKILL the worker and start a fresh one (waits until it polls). */
  restartWorker(): Promise<void>;
  killWorker(): Promise<void>;
  startWorker(): Promise<void>;
  killApi(): Promise<void>;
  startApi(): Promise<void>;
  /** GitHub and AWS connections, made once per stack. */
  connection: { githubConnectionId: string; awsConnectionId: string };
  /** Every child's output, for a failure report. */
  logs(): string;
  close(): Promise<void>;
}

export async function startStack(temporal: TemporalServer, options: StackOptions): Promise<Stack> {
  const id = randomUUID().slice(0, 6);
  const service = `faults-${options.name}-${id}`;
  const dir = mkdtempSync(join(tmpdir(), `switchyard-faults-${options.name}-`));
  const children: Child[] = [];
  let sandbox: Sandbox | undefined;
  let tap: AwsTap | undefined;
  let hooks: HookRecorder | undefined;
  let worker: Child | undefined;
  let api: Child | undefined;
  const close = async () => {
    await Promise.all(children.map((c) => c.kill()));
    // FAULTS_LOG_DIR: every child's whole output kept, to read after a lost run.
    const logDir = process.env.FAULTS_LOG_DIR;
    if (logDir) {
      mkdirSync(logDir, { recursive: true });
      children.forEach((c, i) => writeFileSync(join(logDir, `${options.name}-${id}-${i}-${c.name}.log`), c.output()));
    }
    await tap?.close();
    await hooks?.close();
    await sandbox?.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    // The hook names the sandbox's function, installed below as the real forwarding Lambda.
    sandbox = await startSandbox({ stepMs: options.stepMs, serviceName: service, hookFunction: SANDBOX_HOOK_FUNCTION, ...options.sandbox });
    const box = sandbox;
    const apiPort = await freePort();
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    const hookSecret = `faults-hook-secret-${randomBytes(8).toString('hex')}`;
    hooks = await startHookRecorder(`${apiUrl}/api/v1/hooks/codedeploy`);
    connectSandboxHook(box, hooks.url, hookSecret);
    const apiKey = `faults-admin-${randomBytes(12).toString('hex')}`;
    const lanes = seedLanes(box, service, options.lanes ?? 1);
    const main = lanes[0]!;
    const env = await stackEnvironment({
      box,
      main,
      temporal,
      taskQueue: `faults-${options.name}-${id}`,
      hookSecret,
      apiKey,
      dataDir: join(dir, 'data'),
      pollMs: options.pollMs,
      env: options.env,
    });
    if (options.tap) tap = await startAwsTap(box.awsEndpoint);
    const workerEnv = { ...env, ...(tap ? { SWITCHYARD_AWS_ENDPOINT: tap.url } : {}) };

    const startWorker = async () => {
      const started = startNode('worker', 'worker/main.ts', workerEnv);
      children.push(started);
      worker = started;
      await waitUntil('the worker polling', () => started.output().includes('worker polling'), {
        timeoutMs: 90_000,
        intervalMs: 50,
        watch: [started],
      });
    };
    const client = apiClient(apiUrl, apiKey);
    const startApi = async () => {
      const started = startNode('api', 'api/main.ts', { ...env, PORT: String(apiPort), HOST: '127.0.0.1' });
      children.push(started);
      api = started;
      await waitUntil('the API healthy', () => client.healthy(), { timeoutMs: 90_000, intervalMs: 50, watch: [started] });
    };
    await Promise.all([startWorker(), startApi()]);
    const admissionWaits: number[] = [];
    const connection = await client.connect(SANDBOX_SERVICE.owner, SANDBOX_SERVICE.repo, SANDBOX_CREDENTIALS);
    return {
      sandbox: box,
      tap,
      hooks,
      api: client,
      apiUrl,
      connection,
      lanes,
      admissionWaits,
      deploy: (lane) => deployWhenAdmitted(client, connection, lane, main, admissionWaits),
      worker: () => worker!,
      apiProcess: () => api!,
      async killWorker() {
        await worker?.kill();
      },
      startWorker,
      async restartWorker() {
        await worker?.kill();
        await startWorker();
      },
      async killApi() {
        await api?.kill();
      },
      startApi,
      logs: () =>
        children
          .map((c) => `--- ${c.name} pid ${c.child.pid} (${c.running() ? 'running' : 'exited'}) ---\n${c.output().slice(-3000)}`)
          .join('\n'),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
