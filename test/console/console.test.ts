// The web console in a real browser (Debian's headless Chromium driven by playwright-core): sign
// in, start a sandbox deployment, watch it reach DEPLOYMENT_READY (the stage pipeline, green
// against blue, the approvals against the policy), click Switch, see COMPLETED and the decision.
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_KEYS } from '../support/api.js';
import { startBrowserStack, type BrowserStack } from './browser-stack.js';

describe('web console', () => {
  let stack: BrowserStack;
  beforeAll(async () => {
    stack = await startBrowserStack('console');
    await stack.api.connect();
  });
  afterAll(async () => { await stack?.close(); });

  it('deploys from the page, shows DEPLOYMENT_READY, switches and shows COMPLETED', { timeout: 90_000 }, async () => {
    const page = await stack.browser.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${stack.served.url}/`);
    await expect.poll(() => page.locator('#sign-in').isVisible()).toBe(true);

    await page.fill('#key-input', TEST_KEYS.approver);
    await page.click('#key-submit');
    await page.waitForSelector('#whoami:has-text("approver")');
    // An approver may not deploy: the form is not offered.
    expect(await page.locator('#new-deploy').isVisible()).toBe(false);

    // A freeze over another service: shown on the console, this deployment goes on.
    const endsAt = new Date(Date.now() + 3_600_000).toISOString();
    const freeze = await stack.api.call('POST', '/api/v1/freezes', { scope: ['other-cluster/other-service'], reason: 'Black Friday', endsAt }, 'admin');
    expect(freeze.status).toBe(201);
    await page.click('#sign-out');
    await page.fill('#key-input', TEST_KEYS.admin);
    await page.click('#key-submit');
    await expect.poll(() => page.locator('#freezes').innerText()).toContain(`Frozen until ${endsAt}: Black Friday (other-cluster/other-service;`);
    await page.waitForSelector('#deploy-github option', { state: 'attached' });
    await page.fill('#deploy-version', 'v1.2.3');
    await page.click('#deploy-submit');

    await page.waitForSelector('#detail[data-status="DEPLOYMENT_READY"]', { timeout: 60_000 });
    expect(await page.locator('#events li').count()).toBeGreaterThan(5);
    // The gate: stage 4 of 5 current, green against blue side by side, the approvals against the policy.
    expect(await page.locator('#pipeline li.current').innerText()).toBe('4 · Blue/green');
    expect(await page.locator('#pipeline li.done').count()).toBe(3);
    const figures = await page.locator('#figures tbody').innerText();
    expect(figures).toMatch(/Green\s+\d+\s+\d+\s+\d+\.\d%\s+\d+/);
    expect(figures).toMatch(/Blue\s+\d+\s+\d+\s+\d+\.\d%\s+\d+/);
    expect(await page.locator('#gate-facts').innerText()).toContain('Approvals 0 of 1');
    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/console-gate.png', fullPage: true });
    await page.click('#switch-btn');
    await page.waitForSelector('#detail[data-status="COMPLETED"]', { timeout: 60_000 });
    expect(await page.locator('#detail-summary').innerText()).toContain('green');
    await expect.poll(() => page.locator('#decisions').innerText()).toContain('approved by test admin (api)');
    expect(await page.locator('#pipeline li.done').count()).toBe(5);

    await page.screenshot({ path: 'test-results/console-completed.png', fullPage: true });
    expect(pageErrors).toEqual([]);
  });
});
