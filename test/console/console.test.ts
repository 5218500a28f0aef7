// The web console in a real browser (Debian's headless Chromium driven by playwright-core):
// sign-in through a session cookie; a deployment followed to the gate and approved by keyboard
// only; the service view; a freeze set and lifted; a distribution started and its failed channel
// retried; axe-core on every view; and Korean event lines rendered as glyphs, not boxes.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_KEYS } from '../support/api.js';
import { startBrowserStack, type BrowserStack } from './browser-stack.js';

// axe-core from node_modules (a devDependency); AXE_CORE_PATH points elsewhere (e.g. an unpacked `npm pack axe-core`).
const AXE = process.env.AXE_CORE_PATH ?? 'node_modules/axe-core/axe.min.js';
// Screenshots for review (docs/img/ holds copies chosen for the docs); not written into docs/ on every run.
const IMG = 'test-results/console';

describe('web console', () => {
  let stack: BrowserStack;
  let connection: { githubConnectionId: string; awsConnectionId: string };
  let page: Page;
  /** The deployment the keyboard test completes: this stack's own (the namespace holds other tests' runs too). */
  let deploymentId = '';
  const pageErrors: string[] = [];
  beforeAll(async () => {
    stack = await startBrowserStack('console');
    connection = await stack.api.connect();
    page = await stack.browser.newPage({ viewport: { width: 1100, height: 900 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    mkdirSync(IMG, { recursive: true });
  });
  afterAll(async () => {
    await stack?.close();
  });

  // Page-side code as strings: the test's TypeScript has no DOM library.
  const activeId = () => page.evaluate<string | undefined>('document.activeElement?.id');
  const view = async (hash: string, ready: string) => {
    await page.goto(`${stack.served.url}/${hash}`);
    await page.waitForSelector(ready);
  };

  it('signs in with a key into an HttpOnly session: the key is kept nowhere in the page', { timeout: 30_000 }, async () => {
    await page.goto(`${stack.served.url}/`);
    await page.waitForSelector('#sign-in');
    // Keyboard only: the labelled field takes focus, Enter submits.
    await page.focus('#key-input');
    await page.keyboard.type(TEST_KEYS.admin);
    await page.keyboard.press('Enter');
    await page.waitForSelector('#whoami:has-text("test admin (admin)")');
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === 'sy_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    expect(session!.value).not.toContain(TEST_KEYS.admin);
    const stored = await page.evaluate<string>('JSON.stringify({ ...sessionStorage, ...localStorage }) + document.cookie');
    expect(stored).not.toContain(TEST_KEYS.admin);
    expect(await page.locator('#status').innerText()).toContain('Signed in as test admin');
    // A reload keeps the session (asked of GET /api/v1/me with the cookie).
    await page.reload();
    await page.waitForSelector('#whoami:has-text("test admin (admin)")');
  });

  it('follows a deployment to the gate and approves it by keyboard only', { timeout: 120_000 }, async () => {
    const started = await stack.api.deploy(connection, { version: 'v1.2.3' });
    expect(started.status).toBe(200);
    const id = started.body.data.deploymentId as string;
    deploymentId = id;
    await view(`#/deployments/${id}`, '#detail');
    await page.waitForSelector('#detail[data-status="DEPLOYMENT_READY"]', { timeout: 90_000 });
    expect(await page.locator('#pipeline li.current').innerText()).toBe('4 · Blue/green');
    expect(await page.locator('#gate h3').nth(1).innerText()).toBe('Approvals 0 of 1');
    expect(await page.locator('#figures tbody').innerText()).toMatch(/Green\s+\d+/);
    await page.screenshot({ path: `${IMG}/console-release.png`, fullPage: true });

    // Tab to the Switch button (no mouse), Enter opens the confirmation, type a reason, Enter confirms.
    await page.locator('body').focus();
    for (let presses = 0; presses < 60; presses++) {
      await page.keyboard.press('Tab');
      if ((await activeId()) === 'switch-btn') break;
    }
    expect(await activeId()).toBe('switch-btn');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#confirm[open]');
    expect(await activeId()).toBe('confirm-reason');
    await page.keyboard.type('checked the hold');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#detail[data-status="COMPLETED"]', { timeout: 60_000 });
    await expect.poll(() => page.locator('#decisions').innerText()).toContain('approved by test admin via api: checked the hold');
    expect(await page.locator('#pipeline li.done').count()).toBe(5);
    expect(await page.locator('#status').innerText()).toMatch(/COMPLETED|switch/i);

    // The service view: the live release is this one, approved by the admin. The list is read for
    // this stack's service only: the namespace's newest 50 may all be other files' deployments.
    const listed = await stack.api.call('GET', `/api/v1/deployments?service=${encodeURIComponent(stack.serviceKey)}`, undefined, 'viewer');
    const service = listed.body.data.deployments.find((d: { deploymentId: string }) => d.deploymentId === id)?.service as string;
    expect(service).toBe(stack.serviceKey);
    await view(`#/services/${encodeURIComponent(service)}`, '#service-view dl');
    const live = await page.locator('#service-view dl').innerText();
    expect(live).toContain('v1.2.3');
    expect(live).toContain('test admin (api)');
    expect(await page.locator('#service-view button:has-text("Deploy v1.2.3 again")').count()).toBe(1);
    await page.screenshot({ path: `${IMG}/console-service.png`, fullPage: true });
  });

  it(
    'keeps the deployments list live: one started outside the page appears and changes status, no reload',
    { timeout: 90_000 },
    async () => {
      await view('#/deployments', '#deployments table');
      // Anything the page holds is lost on a reload: this marker says there was none.
      await page.evaluate('window.notReloaded = true');
      const started = await stack.api.deploy(connection, { version: 'v1.2.3' });
      expect(started.status).toBe(200);
      const id = started.body.data.deploymentId as string;
      const row = page.locator(`#deployments tr:has(a[href="#/deployments/${id}"])`);
      await row.waitFor({ timeout: 20_000 });
      expect(await row.innerText()).toContain('v1.2.3');
      await expect.poll(() => row.innerText(), { timeout: 60_000 }).toContain('DEPLOYMENT_READY');
      await expect.poll(() => page.locator('#status').innerText()).toContain(`Deployment ${id}: DEPLOYMENT_READY`);
      // Rolled back through the API, outside the page: the row follows.
      const rolledBack = await stack.api.call('POST', `/api/v1/deploy/${id}/rollback`, { reason: 'live list test' }, 'approver');
      expect(rolledBack.status).toBe(200);
      await expect.poll(() => row.innerText(), { timeout: 60_000 }).toContain('ROLLED_BACK');
      expect(await page.evaluate<boolean>('window.notReloaded === true')).toBe(true);
      expect(await page.locator(`#deployments a[href="#/deployments/${id}"]`).count()).toBe(1);
    },
  );

  it('renders Korean event lines as glyphs, not missing-glyph boxes', { timeout: 60_000 }, async () => {
    await view(`#/deployments/${deploymentId}`, '#events [lang="ko"]');
    const line = page.locator('#events [lang="ko"]').first();
    const korean = await line.innerText();
    expect(korean).toMatch(/[\uac00-\ud7af]/);
    const KO = '#events [lang="ko"]';
    expect(await page.evaluate<string>(`getComputedStyle(document.querySelector('${KO}')).wordBreak`)).toBe('keep-all');
    const glyphs = await line.screenshot();
    // The same box with characters no font has: what "boxes" look like on this machine.
    await page.evaluate(`(() => { const node = document.querySelector('${KO}');
      node.textContent = [...node.textContent].map((c) => (/\\s/.test(c) ? c : String.fromCodePoint(0x10fffd))).join(''); })()`);
    const boxes = await line.screenshot();
    const ink = async (png: Buffer) =>
      page.evaluate<{ width: number; dark: number[] }>(`(async (src) => {
      const image = new Image();
      image.src = src;
      await image.decode();
      const canvas = document.createElement('canvas');
      canvas.width = image.width; canvas.height = image.height;
      const context = canvas.getContext('2d');
      context.drawImage(image, 0, 0);
      const { data } = context.getImageData(0, 0, image.width, image.height);
      const dark = [];
      for (let i = 0; i < data.length; i += 4) dark.push(data[i] + data[i + 1] + data[i + 2] < 384 ? 1 : 0);
      return { width: image.width, dark };
    })('data:image/png;base64,${png.toString('base64')}')`);
    const a = await ink(glyphs);
    const b = await ink(boxes);
    const inked = a.dark.reduce((n, v) => n + v, 0);
    expect(inked).toBeGreaterThan(50);
    const differing = a.dark.filter((v, i) => v !== (b.dark[i] ?? 0)).length;
    // Glyphs and boxes share few ink pixels; boxes drawn for Korean would match almost exactly.
    expect(differing / Math.max(inked, 1)).toBeGreaterThan(0.3);
  });

  it('draws the watched hold as SVG: a line per colour and measure, breaches marked, a text alternative', { timeout: 30_000 }, async () => {
    // The sandbox's gate opens and closes before any watch heartbeat: the chart module on given samples.
    const drawn = await page.evaluate<{
      lines: number;
      points: string[];
      breaches: number;
      label: string | null;
    }>(`import('/chart.js').then(({ watchChart }) => {
      const f = (p95Ms, errorRate) => ({ latencyMs: p95Ms, p50Ms: p95Ms / 2, p95Ms, errorRate, samples: 10 });
      const samples = [0, 1, 2, 3].map((i) => ({ at: '2026-12-07T10:0' + i + ':00.000Z', green: f(100 + i * 50, i * 0.01), blue: f(120, 0), breach: i === 3 ? 'p95' : null }));
      const chart = watchChart(samples);
      document.body.append(chart);
      const drawn = { lines: chart.querySelectorAll('polyline').length, points: [...chart.querySelectorAll('polyline')].map((l) => l.getAttribute('points')),
        breaches: chart.querySelectorAll('circle').length, label: chart.getAttribute('aria-label') };
      chart.remove();
      return drawn;
    })`);
    expect(drawn.lines).toBe(4);
    expect(drawn.points.every((points) => points.split(' ').length === 4)).toBe(true);
    // Green's p95 rises to the panel's top (the max), blue stays flat.
    const ys = (points: string) => points.split(' ').map((p) => Number(p.split(',')[1]));
    expect(new Set(ys(drawn.points[0]!)).size).toBe(1);
    expect(ys(drawn.points[1]!)[3]).toBeLessThan(ys(drawn.points[1]!)[0]!);
    expect(drawn.breaches).toBe(2);
    expect(drawn.label).toContain('4 windows');
    expect(drawn.label).toContain('1 breaching windows');
  });

  it('sets a freeze and lifts it', { timeout: 60_000 }, async () => {
    await view('#/freezes', '#freeze-form');
    await page.fill('#freeze-scope', 'ui-cluster/ui-service');
    await page.fill('#freeze-reason', '연말 점검');
    await page.click('#freeze-submit');
    await page.waitForSelector('#confirm[open]');
    await page.click('#confirm-ok');
    await expect
      .poll(() =>
        page
          .locator('#freezes table')
          .innerText()
          .catch(() => ''),
      )
      .toContain('연말 점검');
    expect(await page.locator('#status').innerText()).toMatch(/Freeze set: /);
    await page.click('#freezes button:has-text("Lift")');
    await page.click('#confirm-ok');
    await expect.poll(() => page.locator('#freezes').innerText()).toContain('No freeze in force or planned.');
    const { body } = await stack.api.call('GET', '/api/v1/freezes', undefined, 'viewer');
    expect(body.data.active).toEqual([]);
  });

  it('refuses the emergency stop until STOP is typed', { timeout: 30_000 }, async () => {
    await view('#/freezes', '#emergency-stop');
    await page.click('#emergency-stop');
    await page.fill('#confirm-typed', 'stop');
    await page.click('#confirm-ok');
    expect(await page.locator('#confirm-error').innerText()).toContain('Type STOP exactly');
    expect(await page.locator('#confirm').getAttribute('open')).not.toBeNull();
    await page.click('#confirm-cancel');
    const { body } = await stack.api.call('GET', '/api/v1/freezes', undefined, 'viewer');
    expect(body.data.freezes).toEqual([]);
  });

  it('starts a distribution from the form and retries its failed channel', { timeout: 90_000 }, async () => {
    await view('#/distributions', '#distribute-form');
    const eventId = `evt-ui-${Date.now()}`;
    await page.fill('#dist-event', eventId);
    await page.check('#dist-INSTAGRAM');
    await page.check('#dist-KAKAO_CHANNEL');
    await page.fill('#dist-caption', '오픈 안내 #fail');
    await page.click('#distribute-submit');
    await page.waitForSelector('#detail', { timeout: 30_000 }).catch(async (error: Error) => {
      throw new Error(`${error.message}: ${await page.locator('#distribute-error').innerText()}`);
    });
    await expect
      .poll(async () => `${await page.locator('#detail').getAttribute('data-status')}: ${await page.locator('#view').innerText()}`, {
        timeout: 30_000,
      })
      .toMatch(/^FAILED/);
    // '#fail' in the text fails both sandbox channels, three attempts each, on each channel's timeline.
    const channels = await page.locator('#channels tbody').innerText();
    expect(channels).toMatch(/INSTAGRAM\s+FAILED/);
    expect(channels).toMatch(/KAKAO_CHANNEL\s+FAILED/);
    // The timelines come from the live stream, which may trail the status read.
    await expect.poll(() => page.locator('#channels tbody').innerText(), { timeout: 10_000 }).toContain('channel (attempt 3)');
    expect(await page.locator('#retry-btn').innerText()).toBe('Retry INSTAGRAM, KAKAO_CHANNEL');
    await page.click('#retry-btn');
    await page.click('#confirm-ok');
    await expect
      .poll(async () => `${await page.locator('#status').innerText()} ${await page.locator('#confirm-error').innerText()}`, {
        timeout: 20_000,
      })
      .toMatch(/^Retry [A-Z_]+/);
    // The retry ran in the workflow: the channels were attempted again.
    const retries = async () =>
      (
        (await stack.api.call('GET', `/api/distribution/${eventId}/status`, undefined, 'viewer')).body.channels as {
          channel: string;
          retries: number;
        }[]
      ).find((c) => c.channel === 'INSTAGRAM')!.retries;
    await expect.poll(retries, { timeout: 20_000 }).toBeGreaterThan(3);
  });

  it.skipIf(!existsSync(AXE))('has no serious or critical axe-core violations on any view', { timeout: 60_000 }, async () => {
    const axe = readFileSync(AXE, 'utf8');
    const id = deploymentId;
    const found: string[] = [];
    for (const [hash, ready] of [
      ['#/deployments', '#deployments table'],
      [`#/deployments/${id}`, '#detail dl'],
      ['#/services', '#view table'],
      ['#/distributions', '#distribute-form'],
      ['#/freezes', '#freeze-form'],
      ['#/delivery', '#delivery table'],
    ] as const) {
      await view(hash, ready);
      await page.addScriptTag({ content: axe }).catch(() => page.evaluate(axe));
      const violations = await page.evaluate<string[]>(`axe.run().then((result) => result.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => v.id + ' (' + v.impact + ': ' + v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ') + ')'))`);
      found.push(...violations.map((v) => `${hash}: ${v}`));
    }
    expect(found).toEqual([]);
  });

  it('fits a narrow screen: no view scrolls sideways at 360 px', { timeout: 30_000 }, async () => {
    await page.setViewportSize({ width: 360, height: 740 });
    const overflowing: string[] = [];
    for (const [hash, ready] of [
      [`#/deployments/${deploymentId}`, '#detail dl'],
      ['#/services', '#view table'],
      ['#/freezes', '#freeze-form'],
      ['#/delivery', '#delivery table'],
    ] as const) {
      await view(hash, ready);
      const widths = await page.evaluate<{ scroll: number; client: number }>(
        '({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth })',
      );
      if (widths.scroll > widths.client) overflowing.push(`${hash}: ${widths.scroll} > ${widths.client}`);
    }
    await page.setViewportSize({ width: 1100, height: 900 });
    expect(overflowing).toEqual([]);
  });

  it('shows the delivery metrics', { timeout: 30_000 }, async () => {
    await view('#/delivery', '#delivery table');
    expect(await page.locator('#delivery tbody tr').first().innerText()).toMatch(/All services\s+\d+/);
    await page.screenshot({ path: `${IMG}/console-delivery.png`, fullPage: true });
    expect(pageErrors).toEqual([]);
  });
});
