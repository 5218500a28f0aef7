// Connections to the run's Temporal server and a real worker on a task queue of the test's own,
// running the bundled workflows and real activities.
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { inject } from 'vitest';
import { createActivities, type Activities } from '../../activities/index.js';
import { loadConfig, type Config } from '../../common/config.js';
import { buildActivityDeps } from '../../worker/activity-deps.js';
import { startSandboxChannels, type ChannelSetup } from '../../worker/channel-endpoints.js';
import { createSwitchyardWorker } from '../../worker/worker.js';

let runtimeInstalled = false;
function installQuietRuntime() {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  // Activity failures are expected in these tests (sandbox test values); only errors are shown.
  Runtime.install({ logger: new DefaultLogger('ERROR'), shutdownSignals: [] });
}

export function temporalAddress(): string {
  return inject('temporalAddress');
}

export function uniqueTaskQueue(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

export async function connectClient(): Promise<{ client: Client; close: () => Promise<void> }> {
  const connection = await Connection.connect({ address: temporalAddress() });
  const client = new Client({ connection, namespace: inject('temporalNamespace') });
  return { client, close: () => connection.close() };
}

export interface TestWorker {
  worker: Worker;
  taskQueue: string;
  stop(): Promise<void>;
}

export async function startTestWorker(taskQueue: string, activities: Activities): Promise<TestWorker> {
  installQuietRuntime();
  const connection = await NativeConnection.connect({ address: temporalAddress() });
  const worker = await createSwitchyardWorker({
    connection,
    namespace: inject('temporalNamespace'),
    taskQueue,
    activities,
    workflowBundle: { codePath: inject('workflowBundlePath') },
  });
  const running = worker.run();
  return {
    worker,
    taskQueue,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await connection.close();
    },
  };
}

export interface SandboxWorker extends TestWorker {
  config: Config;
  channels: ChannelSetup;
}

/**
 * A worker wired exactly as `npm start` wires it in sandbox mode (channel emulators in-process),
 * with configuration from `env` on top of the sandbox defaults.
 */
export async function startSandboxWorker(taskQueue: string, env: Record<string, string> = {}, identity = 'sandbox-test-worker'): Promise<SandboxWorker> {
  const config = loadConfig({ SWITCHYARD_SANDBOX: 'true', TEMPORAL_TASK_QUEUE: taskQueue, ...env });
  const channels = await startSandboxChannels(config);
  const test = await startTestWorker(taskQueue, createActivities(buildActivityDeps(config, channels, identity)));
  return {
    ...test,
    config,
    channels,
    async stop() {
      await test.stop();
      await channels.close();
    },
  };
}
