// One scenario's system: the emulators in this process (their counters outlive every kill), and
// the production worker and API entry points (SWITCHYARD_SANDBOX=false) as child processes
// configured the way the split sandbox configures them, against the suite's Temporal server.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { blueGreenUrls, seed } from '../emulators/aws/index.js';
import {
  connectSandboxHook,
  SANDBOX_CREDENTIALS,
  SANDBOX_HOOK_FUNCTION,
  SANDBOX_SERVICE,
  startSandbox,
  type Sandbox,
  type SandboxOptions,
} from '../emulators/sandbox.js';
import { sandboxEnvironment } from '../emulators/split/environment.js';
import { freePort } from '../test/support/free-port.js';
import { apiClient, type ApiClient } from './api-client.js';
import { startAwsTap, type AwsTap } from './aws-tap.js';
import { startHookRecorder, type HookRecorder } from './hook-recorder.js';
import { sleep, startNode, waitUntil, type Child } from './processes.js';
import type { TemporalServer } from './temporal-server.js';
import { writeWorkflowBundle } from '../worker/workflow-bundle.js';

let bundled: Promise<string> | undefined;
/** The workflow bundle every worker process of this run starts from (WORKFLOW_BUNDLE_PATH). */
function workflowBundle(): Promise<string> {
  bundled ??= (async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'faults-bundle-')), 'workflow-bundle.js');
    await writeWorkflowBundle(path);
    return path;
  })();
  return bundled;
}

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
    const main: Lane = {
      service,
      codeDeployApplication: box.target.codeDeployApplication,
      codeDeployGroup: box.target.codeDeployGroup,
      blueUrl: box.target.blueUrl,
      greenUrl: box.target.greenUrl,
    };
    const lanes: Lane[] = [main];
    for (let i = 1; i < (options.lanes ?? 1); i += 1) {
      // As the split sandbox seeds its extra services: same cluster, an application and group each.
      const lane: Lane = {
        service: `${service}-${i}`,
        codeDeployApplication: `${SANDBOX_SERVICE.application}-${i}`,
        codeDeployGroup: `${SANDBOX_SERVICE.deploymentGroup}-${i}`,
        ...blueGreenUrls(box.awsEndpoint, SANDBOX_SERVICE.cluster, `${service}-${i}`),
      };
      seed(box.aws.state, {
        cluster: SANDBOX_SERVICE.cluster,
        service: lane.service,
        containerName: SANDBOX_SERVICE.containerName,
        containerPort: SANDBOX_SERVICE.containerPort,
        application: lane.codeDeployApplication,
        deploymentGroup: lane.codeDeployGroup,
        repository: `${lane.service}-initial`,
      });
      lanes.push(lane);
    }
    const urls = { github: box.githubApiUrl, aws: box.awsEndpoint, channels: box.channels.url, slack: box.slack.url };
    const apiKey = `faults-admin-${randomBytes(12).toString('hex')}`;
    const env: Record<string, string> = {
      ...Object.fromEntries(
        sandboxEnvironment({
          sandbox: box,
          urls,
          main: { ...main, cluster: SANDBOX_SERVICE.cluster },
          extras: [],
          hookSecret,
          pollMs: options.pollMs,
        }),
      ),
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_NAMESPACE: temporal.namespace,
      TEMPORAL_TASK_QUEUE: `faults-${options.name}-${id}`,
      SWITCHYARD_API_KEY: apiKey,
      SWITCHYARD_DATA_DIR: join(dir, 'data'),
      SWITCHYARD_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      // A killed worker's short calls are retried after 3 s, its long waits noticed after 2 s.
      DEPLOY_CALL_TIMEOUT_SECONDS: '3',
      DEPLOY_HEARTBEAT_TIMEOUT_SECONDS: '2',
      DISTRIBUTION_RETRY_BACKOFF_MS: '200',
      // distribute answers at once (202); the suite follows the status itself.
      DISTRIBUTION_SYNC_WAIT_MS: '0',
      LOG_LEVEL: 'info',
      // The suite's one key drives every client of a scenario, polling as fast as it can: the
      // per-key rates (which bound one real client) are not what it measures.
      SWITCHYARD_RATE_LIMIT_READS: '0',
      SWITCHYARD_RATE_LIMIT_WRITES: '0',
      SWITCHYARD_RATE_LIMIT_STARTS: '0',
      // Bundled once per run, as the image does: a killed worker is back without bundling again.
      WORKFLOW_BUNDLE_PATH: await workflowBundle(),
      ...options.env,
    };
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
      async deploy(lane) {
        const since = Date.now();
        let waited = false;
        for (;;) {
          const started = await client.call('POST', '/api/v1/deploy', {
            ...connection,
            owner: SANDBOX_SERVICE.owner,
            repo: SANDBOX_SERVICE.repo,
            branch: 'main',
            ...(lane === main ? {} : { target: lane }),
          });
          if (started.status === 200) {
            if (waited) admissionWaits.push(Date.now() - since);
            return started.body.data.deploymentId as string;
          }
          const holder = started.status === 409 ? (started.body?.runningDeploymentId as string | undefined) : undefined;
          const ended = holder ? ['COMPLETED', 'FAILED', 'ROLLED_BACK'].includes((await client.result(holder))?.status) : false;
          if (!ended || Date.now() - since > 60_000) throw new Error(`deploy refused: ${started.status} ${JSON.stringify(started.body)}`);
          waited = true;
          await sleep(250);
        }
      },
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
