// The Prometheus rules (deploy/prometheus/alerts.yml) through Prometheus's own promtool, built by
// scripts/setup-promtool.mjs (npm run setup:test): `check rules` (syntax, PromQL, templates) and
// `test rules` (alerts.test.yml: each alert fires when it should, not when it should not). And the
// house rules promtool does not know: every alert has a summary, a description and a run book link
// to its own section of docs/alerts.md.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT, RULES_PATH, RULES_TEST_PATH, readRules } from './support/monitoring-files.js';

const PROMTOOL = process.env.PROMTOOL_PATH ?? join(ROOT, '.tools/promtool/bin/promtool');

function promtool(...args: string[]) {
  if (!existsSync(PROMTOOL))
    throw new Error(`promtool is missing at ${PROMTOOL}: run npm run setup:test (or node scripts/setup-promtool.mjs)`);
  const result = spawnSync(PROMTOOL, args, { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('Prometheus rules', () => {
  it('pass promtool check rules', () => {
    const { status, output } = promtool('check', 'rules', RULES_PATH);
    expect(output).toMatch(/SUCCESS: \d+ rules found/);
    expect(status, output).toBe(0);
  });

  it('pass their promtool unit tests, which cover every alert', () => {
    const { status, output } = promtool('test', 'rules', RULES_TEST_PATH);
    expect(status, output).toBe(0);
    expect(output).toMatch(/SUCCESS/);
    const tests = (
      parse(readFileSync(RULES_TEST_PATH, 'utf8')) as { tests: { alert_rule_test?: { alertname: string; exp_alerts: unknown[] }[] }[] }
    ).tests;
    const cases = tests.flatMap((test) => test.alert_rule_test ?? []);
    for (const alert of readRules().filter((rule) => rule.alert)) {
      const own = cases.filter((c) => c.alertname === alert.alert);
      expect(
        own.some((c) => c.exp_alerts.length > 0),
        `${alert.alert} fires in a test`,
      ).toBe(true);
      expect(
        own.some((c) => c.exp_alerts.length === 0),
        `${alert.alert} stays quiet in a test`,
      ).toBe(true);
    }
  });

  it('refuse a broken rule, so the checks above can fail', () => {
    const broken = join(mkdtempSync(join(tmpdir(), 'switchyard-rules-')), 'broken.yml');
    writeFileSync(
      broken,
      'groups:\n  - name: broken\n    rules:\n      - alert: Broken\n        expr: rate(switchyard_http_requests_total[5m] > 1\n',
    );
    const { status, output } = promtool('check', 'rules', broken);
    expect(status).not.toBe(0);
    expect(output).toMatch(/FAILED/);
  });

  it('each alert has a summary, a description and a run book link to its section of docs/alerts.md', () => {
    const docs = readFileSync(join(ROOT, 'docs/alerts.md'), 'utf8');
    const anchors = new Set(
      [...docs.matchAll(/^#{2,4} (.+)$/gm)].map((m) =>
        m[1]!
          .trim()
          .toLowerCase()
          .replace(/[^a-z0-9 -]/g, '')
          .replace(/ /g, '-'),
      ),
    );
    const alerts = readRules().filter((rule) => rule.alert);
    expect(alerts.map((rule) => rule.alert)).toEqual(
      expect.arrayContaining([
        'SwitchyardWorkflowTaskScheduleToStartHigh',
        'SwitchyardDeploymentsFailing',
        'SwitchyardGateCloseToTimeout',
        'SwitchyardChannelCircuitOpen',
      ]),
    );
    for (const rule of alerts) {
      expect(rule.annotations?.summary, rule.alert).toBeTruthy();
      expect(rule.annotations?.description, rule.alert).toBeTruthy();
      expect(rule.labels?.severity, rule.alert).toMatch(/^(warning|critical)$/);
      const anchor = /^docs\/alerts\.md#(.+)$/.exec(rule.annotations?.runbook_url ?? '')?.[1];
      expect(anchor, rule.alert).toBe(rule.alert!.toLowerCase());
      expect(anchors.has(anchor!), `docs/alerts.md has a section ${rule.alert}`).toBe(true);
    }
  });
});
