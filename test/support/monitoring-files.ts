// The monitoring files under deploy/ (Grafana dashboard, Prometheus rules), read for the tests that
// check them: which metric names they reference, so a scrape can prove each one is really exported.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const DASHBOARD_PATH = join(ROOT, 'deploy/grafana/switchyard.json');
export const RULES_PATH = join(ROOT, 'deploy/prometheus/alerts.yml');
export const RULES_TEST_PATH = join(ROOT, 'deploy/prometheus/alerts.test.yml');

export interface Target {
  refId: string;
  expr: string;
  datasource?: { uid?: string };
}
export interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { type?: string; uid?: string };
  targets?: Target[];
  panels?: Panel[];
}
export interface Dashboard {
  uid: string;
  panels: Panel[];
  templating: { list: { name: string; type: string; query?: unknown }[] };
}
export interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export const readDashboard = (): Dashboard => JSON.parse(readFileSync(DASHBOARD_PATH, 'utf8')) as Dashboard;
export const readRules = (): Rule[] =>
  (parse(readFileSync(RULES_PATH, 'utf8')) as { groups: { rules: Rule[] }[] }).groups.flatMap((group) => group.rules);

/** Every panel, rows' nested panels included. */
export const allPanels = (dashboard: Dashboard): Panel[] => dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);

/**
 * Our and Temporal's metric names in PromQL, without the histogram series suffixes: recording
 * rules' own names (`switchyard:…`) and label names are not metrics.
 */
export function metricNames(expr: string): string[] {
  const names = [...expr.matchAll(/(?<![\w:"])((?:switchyard|temporal)_[a-z0-9_]+)(?![\w:])/g)].map((m) => m[1]!);
  return names.map((name) => name.replace(/_(bucket|sum|count)$/, ''));
}

/** The metric base names the dashboard and the rules read. */
export function referencedMetrics(): string[] {
  const exprs = [
    ...allPanels(readDashboard()).flatMap((panel) => (panel.targets ?? []).map((target) => target.expr)),
    ...readDashboard().templating.list.map((variable) => JSON.stringify(variable.query ?? '')),
    ...readRules().map((rule) => rule.expr),
  ];
  return [...new Set(exprs.flatMap(metricNames))].sort();
}

/** Metric families an exposition declares (`# TYPE name kind`): histograms under their base name. */
export function exportedMetrics(exposition: string): Set<string> {
  return new Set([...exposition.matchAll(/^# TYPE (\S+) \S+$/gm)].map((m) => m[1]!));
}
