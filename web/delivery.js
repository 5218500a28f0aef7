// Delivery (#/delivery): the DORA four from GET /api/v1/metrics/delivery, over all services and
// per service, for a chosen window (default: the last 30 days).
import { api } from './api.js';
import { el, link, table, text } from './ui.js';

const duration = (s) => (s === null || s === undefined ? '—' : s < 3600 ? `${Math.round(s / 60)} min` : `${(s / 3600).toFixed(1)} h`);
const rate = (r) => (r === null || r === undefined ? '—' : `${(r * 100).toFixed(0)}%`);
const row = (name, f) => [
  name,
  text(f.deploymentFrequency.completed),
  text(f.deploymentFrequency.perWeek?.toFixed?.(2)),
  duration(f.leadTimeForChanges.medianSeconds),
  `${rate(f.changeFailureRate.rate)} (${f.changeFailureRate.failed}/${f.changeFailureRate.releases})`,
  duration(f.timeToRestore.medianSeconds),
];

export async function renderDelivery(root) {
  const params = new URLSearchParams(location.hash.split('?')[1] ?? '');
  const days = Number(params.get('days') ?? 30);
  const from = new Date(Date.now() - days * 86_400_000).toISOString();
  const { data } = await api(`/api/v1/metrics/delivery?from=${encodeURIComponent(from)}`);
  const headers = ['', 'Releases completed', 'Per week', 'Lead time (median)', 'Change failure rate', 'Time to restore (median)'];
  root.append(
    el('section', { className: 'card', id: 'delivery' }, [
      el('h2', { textContent: 'How we ship: the DORA four' }),
      el(
        'nav',
        { 'aria-label': 'Window', className: 'actions' },
        [7, 30, 90].map((d) => link(`#/delivery?days=${d}`, `${d} days`)),
      ),
      el('p', {
        className: 'muted',
        textContent: `${data.window.from} to ${data.window.to} · ${data.runs.read} runs read${data.runs.truncated ? ' (truncated: narrow the window)' : ''}`,
      }),
      table(headers, [
        row('All services', data.overall),
        ...data.services.map((s) => row(link(`#/services/${encodeURIComponent(s.service)}`, s.service), s)),
      ]),
    ]),
  );
}
