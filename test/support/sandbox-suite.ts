// The set-up most end-to-end test files share: a Temporal client, a sandbox worker on a task
// queue of the file's own, and the real app with its HTTP client, started before the file's tests
// and stopped after them. Read the parts through the returned object once the tests run.
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll } from 'vitest';
import type { AppOptions } from '../../api/app-deps.js';
import type { SandboxOptions } from '../../emulators/sandbox.js';
import { buildTestApp } from './api.js';
import { client } from './deploy-flow.js';
import { connectClient, startSandboxWorker, uniqueTaskQueue, type SandboxWorker } from './temporal.js';

export interface SandboxSuiteOptions {
  /** Worker configuration on top of the fast sandbox defaults. */
  env?: Record<string, string>;
  identity?: string;
  sandbox?: SandboxOptions;
  /** App options over the test defaults, built once the worker runs. */
  app?: (worker: SandboxWorker) => Partial<AppOptions>;
}

export interface SandboxSuite {
  readonly taskQueue: string;
  readonly temporal: Awaited<ReturnType<typeof connectClient>>;
  readonly client: Client;
  readonly worker: SandboxWorker;
  readonly app: ReturnType<typeof buildTestApp>;
  readonly api: ReturnType<typeof client>;
}

export function sandboxSuite(name: string, options: SandboxSuiteOptions = {}): SandboxSuite {
  const taskQueue = uniqueTaskQueue(name);
  let parts: Omit<SandboxSuite, 'taskQueue' | 'client'> | undefined;
  beforeAll(async () => {
    const temporal = await connectClient();
    const worker = await startSandboxWorker(taskQueue, options.env, options.identity, options.sandbox);
    const app = buildTestApp(temporal.client, taskQueue, options.app?.(worker) ?? {}, worker);
    parts = { temporal, worker, app, api: client(app) };
  });
  afterAll(async () => {
    await parts?.worker.stop();
    await parts?.temporal.close();
  });
  const get = () => {
    if (!parts) throw new Error('sandboxSuite: its parts exist only while the tests run');
    return parts;
  };
  return {
    taskQueue,
    get temporal() {
      return get().temporal;
    },
    get client() {
      return get().temporal.client;
    },
    get worker() {
      return get().worker;
    },
    get app() {
      return get().app;
    },
    get api() {
      return get().api;
    },
  };
}
