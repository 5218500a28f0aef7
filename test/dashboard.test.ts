// The Grafana dashboard (deploy/grafana/switchyard.json), checked statically: it parses, its panel
// ids are unique, every panel and query reads the Prometheus chosen in the `datasource` variable
// (so it imports into any Grafana without editing), and it has the panels the run book names.
// test/metrics.test.ts proves each metric it reads is exported.
import { describe, expect, it } from 'vitest';
import { allPanels, metricNames, readDashboard } from './support/monitoring-files.js';

describe('Grafana dashboard', () => {
  const dashboard = readDashboard();
  const panels = allPanels(dashboard);

  it('has unique panel ids and a Prometheus datasource variable', () => {
    const ids = panels.map((panel) => panel.id);
    expect(ids.every((id) => Number.isInteger(id) && id > 0)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(dashboard.uid).toBe('switchyard');
    expect(dashboard.templating.list).toContainEqual(
      expect.objectContaining({ name: 'datasource', type: 'datasource', query: 'prometheus' }),
    );
  });

  it('reads every panel and query through the datasource variable', () => {
    for (const panel of panels) {
      expect(panel.datasource, panel.title).toEqual({ type: 'prometheus', uid: '${datasource}' });
      for (const target of panel.targets ?? []) {
        expect(target.datasource?.uid, `${panel.title} ${target.refId}`).toBe('${datasource}');
        expect(metricNames(target.expr).length, `${panel.title}: ${target.expr}`).toBeGreaterThan(0);
      }
      if (panel.type !== 'row') expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
    }
  });

  it('shows what operators watch: latency, errors, outcomes, the gate, queues, channels, circuits and the worker', () => {
    const titles = panels.map((panel) => panel.title);
    for (const title of [
      'Request rate by route',
      'p95 latency by route',
      'Errors by status',
      'Deployments started by admission',
      'Deployments finished by outcome',
      'Time at the gate (switched)',
      'Least time left at the gate',
      'Approvals',
      'Rollbacks by reason',
      'Queue depth per service',
      'Distributions started',
      'Channel publishes by channel and outcome',
      'Channel circuit state',
      'Workflow task schedule-to-start p95',
      'Task slots',
      'Activity failures by type',
    ])
      expect(titles).toContain(title);
  });
});

describe('metric names in PromQL', () => {
  it("takes our and Temporal's metrics, strips histogram suffixes, and skips recording rules and labels", () => {
    expect(
      metricNames(
        'histogram_quantile(0.95, sum by (le) (rate(temporal_activity_schedule_to_start_latency_bucket{job=~"temporal_x"}[5m])))',
      ),
    ).toEqual(['temporal_activity_schedule_to_start_latency']);
    expect(metricNames('switchyard:workflow_task_schedule_to_start_ms:p95_5m > 1000 and switchyard_gate_waiting')).toEqual([
      'switchyard_gate_waiting',
    ]);
  });
});
