// `switchyard status --dora`: the DORA four from GET /api/v1/metrics/delivery, as a table of the
// services and the overall figures (definitions: docs/delivery-metrics.md).
import type { Schemas } from './client.js';
import { table } from './output.js';

type Figures = Schemas['DeliveryFigures'];

/** Seconds as `45s`, `12m`, `3.5h`, `2.1d`; `-` when there is no sample. */
export function duration(seconds: number | null): string {
  if (seconds === null) return '-';
  if (seconds < 60) return `${Math.round(seconds)}s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)}m`;
  if (seconds < 86_400) return `${(seconds / 3600).toFixed(1)}h`;
  return `${(seconds / 86_400).toFixed(1)}d`;
}

const row = (service: string, f: Figures) => ({
  service,
  frequency: `${f.deploymentFrequency.completed} (${f.deploymentFrequency.perWeek.toFixed(1)}/week)`,
  lead: `${duration(f.leadTimeForChanges.medianSeconds)} (p90 ${duration(f.leadTimeForChanges.p90Seconds)})`,
  failure:
    f.changeFailureRate.rate === null
      ? '-'
      : `${(f.changeFailureRate.rate * 100).toFixed(0)}% (${f.changeFailureRate.failed}/${f.changeFailureRate.releases})`,
  restore: `${duration(f.timeToRestore.medianSeconds)} (${f.timeToRestore.restored}/${f.timeToRestore.failures} restored)`,
});

export function doraLines(m: Schemas['DeliveryMetrics']): string[] {
  const rows = [...m.services.map((s) => row(s.service, s)), ...(m.service === null ? [row('all services', m.overall)] : [])];
  return [
    `delivery ${m.window.from} → ${m.window.to} (${m.window.days} days)${m.runs.truncated ? `: the first ${m.runs.cap} runs only` : ''}`,
    ...table(rows, [
      { key: 'service', title: 'SERVICE' },
      { key: 'frequency', title: 'DEPLOYS' },
      { key: 'lead', title: 'LEAD TIME' },
      { key: 'failure', title: 'CHANGE FAILURE' },
      { key: 'restore', title: 'TIME TO RESTORE' },
    ]),
  ];
}
