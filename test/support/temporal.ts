// Connections to the run's Temporal server and a real worker on a task queue of the test's own,
// running the bundled workflows and real activities.
import { randomUUID } from 'node:crypto';
import { sandboxWorkerServices } from '../../emulators/wiring/services.js';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { inject } from 'vitest';
import { createActivities, type Activities } from '../../activities/index.js';
import { loadConfig, type Config } from '../../common/config/config.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../emulators/sandbox.js';
import { buildActivityDeps, type WorkerServices } from '../../worker/activity-deps.js';
import { createSwitchyardWorker } from '../../worker/worker.js';
import { installQuietRuntime } from './quiet-runtime.js';

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
  sandbox: Sandbox;
  services: WorkerServices;
}

/**
 * A worker wired exactly as `npm start` wires it in sandbox mode (emulators in-process, a data
 * folder of its own), with configuration from `env` on top of fast sandbox defaults.
 */
export async function startSandboxWorker(
  taskQueue: string,
  env: Record<string, string> = {},
  identity = 'sandbox-test-worker',
  sandboxOptions: SandboxOptions = {},
): Promise<SandboxWorker> {
  const config = loadConfig({
    SWITCHYARD_SANDBOX: 'true',
    TEMPORAL_TASK_QUEUE: taskQueue,
    SWITCHYARD_DATA_DIR: mkdtempSync(join(tmpdir(), 'switchyard-test-')),
    DEPLOY_POLL_MS: '100',
    ...env,
  });
  // Fast emulators, and an ECS service named after the task queue: test files deploy side by side.
  const sandbox = await startSandbox({ stepMs: 40, serviceName: `svc-${taskQueue}`, ...sandboxOptions });
  const services = sandboxWorkerServices(config, sandbox);
  const test = await startTestWorker(taskQueue, createActivities(buildActivityDeps(config, services, identity)));
  return {
    ...test,
    config,
    sandbox,
    services,
    async stop() {
      await test.stop();
      await sandbox.close();
    },
  };
}
