// A release page in the middle of a step, in a real browser: a sandbox progressive release to an
// ECS-native service (explicit steps, an approval at 10 %) approved at the gate through the API,
// then held at 10 % with the watch probing green against blue. The page draws the traffic weight
// over time and the watched hold from the real samples; both charts are checked to draw ink, and
// the page is saved as the docs' screenshot (console-release-step.png).
import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approvalPolicies } from '../../common/config/approval-policies.js';
import type { ReleaseStrategy } from '../../domain/release-strategy.js';
import { seedEcsNativeService } from '../../emulators/aws/seed-ecs-native.js';
import { blueGreenUrls } from '../../emulators/aws/server.js';
import { sandboxApiServices } from '../../emulators/wiring/services.js';
import { TEST_KEYS } from '../support/api.js';
import type { Json } from '../support/http.js';
import { startBrowserStack, type BrowserStack } from './browser-stack.js';

const IMG = 'test-results/console';
const STEPS: ReleaseStrategy = { type: 'steps', steps: [{ weight: 10, pause: { approvals: 1 } }, { weight: 100 }] };

describe('a release page at a step', () => {
  let stack: BrowserStack;
  let page: Page;
  beforeAll(async () => {
    // Every service's gate and pauses watched: a window a second, far from rolling back.
    stack = await startBrowserStack('release-step', (worker) => {
      const services = sandboxApiServices(worker.config, worker.sandbox);
      const policies = approvalPolicies({ default: { watch: { intervalMs: 1000, maxErrorRate: 0.9, windows: 50, dryRun: false } } });
      return { deploy: { ...services.deploy, defaults: { ...services.deploy.defaults, approvalPolicies: policies } } };
    });
    const { aws, target } = stack.worker.sandbox;
    seedEcsNativeService(aws.state, {
      cluster: target.cluster,
      service: 'stepped-shop',
      containerName: target.containerName,
      containerPort: target.containerPort,
      image: 'nginx:1',
    });
    page = await stack.browser.newPage({ viewport: { width: 1100, height: 900 } });
    mkdirSync(IMG, { recursive: true });
  });
  afterAll(async () => {
    await stack?.close();
  });

  /** Whether an element's screenshot has ink: pixels darker than the card's background. */
  const inkOf = async (selector: string) => {
    // The page re-renders on each event: shoot the element's box, not the element.
    let box: Awaited<ReturnType<ReturnType<Page['locator']>['boundingBox']>> = null;
    for (let attempt = 0; attempt < 20 && !box; attempt++)
      box = await page
        .locator(selector)
        .boundingBox({ timeout: 1000 })
        .catch(() => null);
    if (!box) throw new Error(`${selector} is not drawn`);
    const png = await page.screenshot({ clip: box, fullPage: true });
    return page.evaluate<number>(`(async (src) => {
      const image = new Image();
      image.src = src;
      await image.decode();
      const canvas = document.createElement('canvas');
      canvas.width = image.width; canvas.height = image.height;
      const g = canvas.getContext('2d');
      g.drawImage(image, 0, 0);
      const { data } = g.getImageData(0, 0, image.width, image.height);
      let ink = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i] + data[i + 1] + data[i + 2] < 600) ink++;
      return ink;
    })('data:image/png;base64,${png.toString('base64')}')`);
  };

  it('draws the weight over time and green against blue from real watch samples, held at 10 %', { timeout: 150_000 }, async () => {
    const connection = await stack.api.connect();
    const { aws, target } = stack.worker.sandbox;
    // The native service's own blue and green, which the health checks and the watch probe.
    const urls = blueGreenUrls(aws.url, target.cluster, 'stepped-shop');
    const started = await stack.api.deploy(connection, {
      version: 'v1.2.3',
      target: { service: 'stepped-shop', strategy: STEPS, ...urls },
    });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    const id = started.body.data.deploymentId as string;
    await stack.api.reach(id, 'DEPLOYMENT_READY');
    const approved = await stack.api.call('POST', `/api/v1/deploy/${id}/switch`, { reason: 'gate looks good' }, 'approver');
    expect(approved.status).toBe(200);
    // Held at the 10 % step's approval, and the watch has sampled it there a few times.
    let held: Json = {};
    await expect
      .poll(
        async () => {
          held = (await stack.api.result(id)).body.data;
          return held.status === 'DEPLOYMENT_READY' && held.currentStep === 1 && (held.evidence?.watch?.length ?? 0) >= 4;
        },
        { timeout: 90_000, interval: 500, message: 'held at step 1 with samples' },
      )
      .toBe(true)
      .catch((error: Error) => {
        throw new Error(`${error.message}: ${JSON.stringify({ ...held, evidence: { watch: held.evidence?.watch?.length } })}`);
      });
    expect(held).toMatchObject({ trafficWeight: 10, strategy: 'steps' });

    await page.goto(`${stack.served.url}/`);
    await page.focus('#key-input');
    await page.keyboard.type(TEST_KEYS.viewer);
    await page.keyboard.press('Enter');
    await page.waitForSelector('#whoami');
    await page.goto(`${stack.served.url}/#/deployments/${id}`);
    await page.waitForSelector('#weight-chart');
    await page.waitForSelector('#watch-chart');
    expect(await page.locator('#step').innerText()).toContain('step 1 of 2 · 10 % on green');
    // The weight steps up to 10 % (one shift drawn); the hold's lines have a point per sample.
    expect(await page.locator('#weight-chart').getAttribute('aria-label')).toMatch(/10 % at .*now 10 %/);
    const points = await page.evaluate<number[]>(
      "[...document.querySelectorAll('#watch-chart polyline')].map((l) => l.getAttribute('points').trim().split(' ').length)",
    );
    expect(points).toHaveLength(4);
    for (const n of points) expect(n).toBeGreaterThanOrEqual(4);
    // Both charts draw: well more ink than their axis labels alone.
    expect(await inkOf('#weight-chart')).toBeGreaterThan(800);
    expect(await inkOf('#watch-chart')).toBeGreaterThan(1500);
    await page.screenshot({ path: `${IMG}/console-release-step.png`, fullPage: true });

    const rolledBack = await stack.api.call('POST', `/api/v1/deploy/${id}/rollback`, { reason: 'screenshot taken' }, 'approver');
    expect(rolledBack.status).toBe(200);
  });
});
