// The API, a worker and the SSE clients, each in a process of its own, so a process's memory is
// its own: RSS of an API measured with its 10,000 clients in the same process would be half theirs.
// The API and worker are the production entries (api/main.ts, worker/main.ts) configured as a
// split sandbox configures them (emulators/split/environment.ts): production mode, pointed at the
// bench's emulators, on the bench's Temporal dev server.
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import { openConnectionStore } from '../common/connections/open-connection-store.js';
import { loadConfig } from '../common/config/config.js';
import { loadOrCreateEncryptionKey } from '../common/secrets/secret-box.js';
import { ensureSandboxConnections, type Sandbox } from '../emulators/sandbox.js';
import { issueSlackSecrets, sandboxEnvironment } from '../emulators/split/environment.js';
import { workerProbeWorkflow } from '../workflows/worker-probe.js';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** What bench/probe.mjs answers: the process's memory, read by itself. */
export interface MemoryReport {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  /** V8's count of native contexts (the worker's workflow VMs among them). */
  nativeContexts: number;
  /** Open handles (sockets, timers) by kind, from process.getActiveResourcesInfo(). */
  resources: Record<string, number>;
  /** The longest event-loop stall since the previous report. */
  loopDelayMaxMs: number;
  heapSnapshot?: string;
}

type ProbeRequest = { id: number; gc: boolean; heapSnapshot?: string };

export interface BenchProcess {
  pid: number;
  /** The process's own memory, after a full GC when `gc` (the default). */
  memory(options?: { gc?: boolean; heapSnapshot?: string }): Promise<MemoryReport>;
  /** What the process wrote to stdout and stderr, last 8 KiB, for a failure message. */
  output(): string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Node with tsx, a GC the probe can call, and the probe preloaded; stdio kept for failures. */
export function startNodeProcess(
  entry: string,
  env: Record<string, string>,
  extraArgs: string[] = [],
): BenchProcess & { child: ChildProcess } {
  const child = fork(entry, [], {
    execArgv: ['--expose-gc', ...extraArgs, '--import', 'tsx', '--import', here('./probe.mjs')],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let log = '';
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-8192);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let next = 0;
  const waiting = new Map<number, (report: MemoryReport) => void>();
  child.on('message', (message: { id: number; report: MemoryReport }) => {
    waiting.get(message.id)?.(message.report);
    waiting.delete(message.id);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    pid: child.pid!,
    memory({ gc = true, heapSnapshot } = {}) {
      const id = ++next;
      return new Promise<MemoryReport>((resolve, reject) => {
        const exited = () => reject(new Error(`${entry} exited: ${log}`));
        waiting.set(id, (report) => {
          child.off('exit', exited);
          resolve(report);
        });
        child.once('exit', exited);
        child.send({ id, gc, ...(heapSnapshot ? { heapSnapshot } : {}) } satisfies ProbeRequest);
      });
    },
    output: () => log,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

interface Stack {
  sandbox: Sandbox;
  temporalAddress: string;
  pollMs: number;
}

/**
 * This run's secrets for the production entries, which refuse the sandbox's published ones: Slack
 * requests the bench sends are signed with BENCH_SLACK_SIGNING_SECRET.
 */
export const BENCH_SLACK_SIGNING_SECRET = randomBytes(24).toString('hex');

/**
 * The key the production entries require (SWITCHYARD_ENCRYPTION_KEY): the data folder's own, so a
 * process sharing its folder with an in-process sandbox worker opens that worker's connections.
 */
const dataFolderKey = (dataDir: string) => loadOrCreateEncryptionKey(dataDir, undefined).toString('base64');

/** The environment api/main.ts and worker/main.ts get in a split sandbox, for this bench's stack. */
function productionEnvironment(stack: Stack, taskQueue: string): Record<string, string> {
  const { sandbox } = stack;
  const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-bench-proc-'));
  const env = sandboxEnvironment({
    sandbox,
    urls: { github: sandbox.githubApiUrl, aws: sandbox.awsEndpoint, channels: sandbox.channels.url, slack: sandbox.slack.url },
    main: {
      cluster: sandbox.target.cluster,
      service: sandbox.target.service,
      codeDeployApplication: sandbox.target.codeDeployApplication,
      codeDeployGroup: sandbox.target.codeDeployGroup,
      blueUrl: sandbox.target.blueUrl,
      greenUrl: sandbox.target.greenUrl,
    },
    extras: [],
    hookSecret: 'bench-codedeploy-hook-secret',
    pollMs: stack.pollMs,
    slack: { ...issueSlackSecrets(sandbox), signingSecret: BENCH_SLACK_SIGNING_SECRET },
  });
  return {
    ...Object.fromEntries(env),
    TEMPORAL_ADDRESS: stack.temporalAddress,
    TEMPORAL_TASK_QUEUE: taskQueue,
    LOG_LEVEL: 'error',
    SWITCHYARD_DATA_DIR: dataDir,
    SWITCHYARD_ENCRYPTION_KEY: dataFolderKey(dataDir),
  };
}

export interface ApiProcess extends BenchProcess {
  url: string;
  /** The process itself, for a test that kills it. */
  child: ChildProcess;
}

/**
 * api/main.ts alone in its process, with the bench's key and the Slack settings ChatOps needs
 * (stored sandbox connections as its defaults, written to its data folder before it starts).
 */
export async function startApiProcess(
  stack: Stack,
  taskQueue: string,
  apiKey: string,
  extraEnv: Record<string, string> = {},
): Promise<ApiProcess> {
  const env = { ...productionEnvironment(stack, taskQueue), ...extraEnv };
  env.SWITCHYARD_ENCRYPTION_KEY = extraEnv.SWITCHYARD_ENCRYPTION_KEY ?? dataFolderKey(env.SWITCHYARD_DATA_DIR!);
  const store = openConnectionStore(loadConfig({ ...env }));
  const { githubConnectionId, awsConnectionId } = await ensureSandboxConnections(store);
  await store.close();
  const port = await freePort();
  const api = startNodeProcess(
    here('../api/main.ts'),
    {
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
      SWITCHYARD_API_KEY: apiKey,
      SLACK_DEFAULT_GITHUB_CONNECTION_ID: githubConnectionId,
      SLACK_DEFAULT_AWS_CONNECTION_ID: awsConnectionId,
      // BENCH_API_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' profiles the API process.
    },
    process.env.BENCH_API_NODE_ARGS?.split(' ').filter(Boolean) ?? [],
  );
  const url = `http://127.0.0.1:${port}`;
  for (const deadline = Date.now() + 60_000; ;) {
    if (api.child.exitCode !== null) throw new Error(`the API process exited: ${api.output()}`);
    const up = await fetch(`${url}/healthz`).then(
      (res) => res.ok,
      () => false,
    );
    if (up) break;
    if (Date.now() > deadline) throw new Error(`the API process did not answer in 60 s: ${api.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { ...api, url };
}

/**
 * worker/main.ts alone in its process, polling `taskQueue`; resolves once it has run a probe
 * workflow there (bundled, polling, executing), which takes the bundling time on 2 cores.
 */
export async function startWorkerProcess(stack: Stack, taskQueue: string, client: Client): Promise<BenchProcess> {
  const worker = startNodeProcess(here('../worker/main.ts'), productionEnvironment(stack, taskQueue));
  const probe = client.workflow.execute(workerProbeWorkflow, {
    taskQueue,
    workflowId: `bench-probe-${randomUUID()}`,
    workflowExecutionTimeout: '180 seconds',
  });
  const exited = new Promise<never>((_, reject) =>
    worker.child.once('exit', () => reject(new Error(`the worker process exited: ${worker.output()}`))),
  );
  await Promise.race([probe, exited]);
  return worker;
}
