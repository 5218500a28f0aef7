// What the browser tests run against: a sandbox worker, the real app served on a socket, and
// headless Chromium (Debian's, installed by `npm run setup:test`), torn down in reverse order.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { buildTestApp } from '../support/api.js';
import { client } from '../support/deploy-flow.js';
import { serveApp, type ServedApp } from '../support/http-server.js';
import { connectClient, startSandboxWorker, uniqueTaskQueue } from '../support/temporal.js';

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
  close(): Promise<void>;
}

export async function startBrowserStack(name: string): Promise<BrowserStack> {
  if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: run \`npm run setup:test\` (installs Debian's chromium)`);
  const taskQueue = uniqueTaskQueue(name);
  const temporal = await connectClient();
  const worker = await startSandboxWorker(taskQueue);
  const app = buildTestApp(temporal.client, taskQueue, {}, worker);
  const served = await serveApp(app.fetch);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  return {
    api: client(app),
    serviceKey: `${worker.sandbox.target.cluster}/${worker.sandbox.target.service}`,
    served,
    browser,
    async close() {
      await browser.close();
      await served.close();
      await worker.stop();
      await temporal.close();
    },
  };
}
