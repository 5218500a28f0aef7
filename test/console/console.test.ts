// The web console in a real browser (Debian's headless Chromium driven by playwright-core): sign
// in, start a sandbox deployment, watch it reach DEPLOYMENT_READY, click Switch, see COMPLETED.
import { existsSync, mkdirSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, TEST_KEYS } from '../support/api.js';
import { client } from '../support/deploy-flow.js';
import { serveApp, type ServedApp } from '../support/http-server.js';
import { connectClient, startSandboxWorker, uniqueTaskQueue, type SandboxWorker } from '../support/temporal.js';

const CHROMIUM = process.env.SWITCHYARD_CHROMIUM_PATH ?? '/usr/bin/chromium';
// Flags for a closed network: no background connections Chromium would try at every start.
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

describe('web console', () => {
  const taskQueue = uniqueTaskQueue('console');
  let temporal: Awaited<ReturnType<typeof connectClient>>;
  let worker: SandboxWorker;
  let served: ServedApp;
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: run \`npm run setup:test\` (installs Debian's chromium)`);
    temporal = await connectClient();
    worker = await startSandboxWorker(taskQueue);
    const app = buildTestApp(temporal.client, taskQueue, {}, worker);
    await client(app).connect();
    served = await serveApp(app.fetch);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    await served?.close();
    await worker?.stop();
    await temporal?.close();
  });

  it('deploys from the page, shows DEPLOYMENT_READY, switches and shows COMPLETED', { timeout: 90_000 }, async () => {
    const page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${served.url}/`);
    await expect.poll(() => page.locator('#sign-in').isVisible()).toBe(true);

    await page.fill('#key-input', TEST_KEYS.approver);
    await page.click('#key-submit');
    await page.waitForSelector('#whoami:has-text("approver")');
    // An approver may not deploy: the form is not offered.
    expect(await page.locator('#new-deploy').isVisible()).toBe(false);

    await page.click('#sign-out');
    await page.fill('#key-input', TEST_KEYS.admin);
    await page.click('#key-submit');
    await page.waitForSelector('#deploy-github option', { state: 'attached' });
    await page.fill('#deploy-version', 'v1.2.3');
    await page.click('#deploy-submit');

    await page.waitForSelector('#detail[data-status="DEPLOYMENT_READY"]', { timeout: 60_000 });
    expect(await page.locator('#events li').count()).toBeGreaterThan(5);
    await page.click('#switch-btn');
    await page.waitForSelector('#detail[data-status="COMPLETED"]', { timeout: 60_000 });
    expect(await page.locator('#detail-summary').innerText()).toContain('green');

    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/console-completed.png', fullPage: true });
    expect(pageErrors).toEqual([]);
  });
});
