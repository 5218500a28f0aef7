// Services (#/services, #/services/<cluster/service>): what is live (version, commit, image
// digest, since when, who approved), the release history with outcomes, durations, rollbacks and
// what each replaced, and "deploy this version again" through the gate (POST …/redeploy).
import { api, post } from './api.js';
import { button, confirmAction, el, link, statusBadge, summary, table, text } from './ui.js';
import { liveList } from './live.js';

const seconds = (d) => (d.startedAt && d.closedAt ? Math.round((Date.parse(d.closedAt) - Date.parse(d.startedAt)) / 1000) : null);

export async function renderServices(root, ctx) {
  const load = async () => (await api('/api/v1/deployments?limit=100')).data.deployments;
  const rows = await load();
  const card = el('section', { className: 'card', id: 'services' });
  const render = () => {
    const byService = new Map();
    for (const d of rows) if (d.service && !byService.has(d.service)) byService.set(d.service, { latest: d, live: undefined });
    for (const d of rows) if (d.service && d.status === 'COMPLETED' && !byService.get(d.service).live) byService.get(d.service).live = d;
    card.replaceChildren(
      el('h2', { textContent: 'Services' }),
      table(
        ['Service', 'Live version', 'Live since', 'Latest deployment'],
        [...byService].map(([name, { latest, live }]) => [
          link(`#/services/${encodeURIComponent(name)}`, name),
          text(live?.version),
          text(live?.closedAt),
          el('span', {}, [link(`#/deployments/${latest.deploymentId}`, latest.deploymentId), ' ', statusBadge(latest.status)]),
        ]),
        `${byService.size} services with recent deployments`,
      ),
    );
  };
  render();
  root.append(card);
  // Live: a new deployment or a release completing elsewhere shows without a reload.
  liveList(ctx.signal, { kind: 'deployment', rows, keyOf: (d) => d.deploymentId, render, reload: load, limit: 100 });
}

export async function renderService(root, ctx, name) {
  const { data } = await api(`/api/v1/deployments?service=${encodeURIComponent(name)}&limit=30`);
  const runs = data.deployments;
  // Each run's result says whether it rolled another back, and who decided.
  const results = new Map(
    await Promise.all(
      runs.map(async (d) => [
        d.deploymentId,
        await api(`/api/v1/deploy/${d.deploymentId}/result`, { signal: AbortSignal.timeout(4000) })
          .then((b) => b.data)
          .catch(() => undefined),
      ]),
    ),
  );
  const liveRun = runs.find((d) => d.status === 'COMPLETED');
  const live = liveRun && results.get(liveRun.deploymentId);
  const completed = runs.filter((d) => d.status === 'COMPLETED');
  const replaced = (d) => {
    const index = completed.indexOf(d);
    return index >= 0 && completed[index + 1]
      ? link(`#/deployments/${completed[index + 1].deploymentId}`, completed[index + 1].version ?? completed[index + 1].deploymentId)
      : '—';
  };
  root.append(
    el('section', { className: 'card', id: 'service-view' }, [
      el('h2', { textContent: `Service ${name}` }),
      el('h3', { textContent: 'Live release' }),
      live
        ? summary({
            Version: live.version ?? live.branch,
            Commit: live.commitSha,
            'Image digest': live.imageDigest,
            Since: liveRun.closedAt,
            'Approved by': (live.approvals ?? []).map((a) => `${a.person ?? a.who} (${a.via})`).join(', ') || live.approvedBy,
            Deployment: live.deploymentId,
          })
        : el('p', { className: 'muted', textContent: 'Nothing completed yet.' }),
      el('h3', { textContent: 'Release history' }),
      table(
        ['Deployment', 'Version', 'Outcome', 'Duration (s)', 'Rolls back', 'Replaced', ''],
        runs.map((d) => {
          const r = results.get(d.deploymentId);
          return [
            link(`#/deployments/${d.deploymentId}`, d.deploymentId),
            text(d.version),
            statusBadge(d.status),
            text(seconds(d)),
            r?.rollbackOf ? link(`#/deployments/${r.rollbackOf}`, r.rollbackOf) : '—',
            d.status === 'COMPLETED' ? replaced(d) : '—',
            ctx.may('deployer') && ['COMPLETED', 'ROLLED_BACK'].includes(d.status) && !r?.rollbackOf
              ? button(
                  `Deploy ${d.version ?? 'this version'} again`,
                  () =>
                    confirmAction({
                      title: 'Deploy this version again?',
                      body: `${d.version ?? d.deploymentId} goes through the whole pipeline and the gate again.`,
                      confirmLabel: 'Deploy again',
                      run: async () => {
                        const res = await post(`/api/v1/deploy/${d.deploymentId}/redeploy`);
                        location.hash = `#/deployments/${res.data.deploymentId}`;
                        return res.message;
                      },
                    }),
                  'secondary',
                )
              : '',
          ];
        }),
      ),
    ]),
  );
}
