// What the browser tests run against: a sandbox worker, the real app served on a socket, and
// headless Chromium (Debian's, installed by `npm run setup:test`), torn down in reverse order.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import type { AppOptions } from '../../api/app-deps.js';
import { buildTestApp } from '../support/api.js';
import { client } from '../support/deploy-flow.js';
import { serveApp, type ServedApp } from '../support/http-server.js';
import { connectClient, startSandboxWorker, uniqueTaskQueue, type SandboxWorker } from '../support/temporal.js';

const CHROMIUM = process.env.SWITCHYARD_CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface BrowserStack {
  /** The HTTP client of the served app, for set-up calls outside the page. */
  api: ReturnType<typeof client>;
  /** The sandbox's ECS service (cluster/service), this stack's own: lists are read filtered by it. */
  serviceKey: string;
  served: ServedApp;
  browser: Browser;
  worker: SandboxWorker;
  close(): Promise<void>;
}

/** `app`: app options over the test defaults (a service's approval policy, say), built once the worker runs. */
export async function startBrowserStack(name: string, app?: (worker: SandboxWorker) => Partial<AppOptions>): Promise<BrowserStack> {
  if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: run \`npm run setup:test\` (installs Debian's chromium)`);
  const taskQueue = uniqueTaskQueue(name);
  const temporal = await connectClient();
  const worker = await startSandboxWorker(taskQueue);
  const built = buildTestApp(temporal.client, taskQueue, app?.(worker) ?? {}, worker);
  const served = await serveApp(built.fetch);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  return {
    api: client(built),
    serviceKey: `${worker.sandbox.target.cluster}/${worker.sandbox.target.service}`,
    served,
    browser,
    worker,
    async close() {
      await browser.close();
      await served.close();
      await worker.stop();
      await temporal.close();
    },
  };
}
