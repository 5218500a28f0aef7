// A release page (#/deployments/<id>): the stage timeline, green against blue (table and the
// watched hold's chart), approvals with who/via/when, the decision buttons behind a confirmation
// that shows the policy's refusal, and the live event log over SSE.
import { api, follow, post } from './api.js';
import { watchChart, weightChart } from './chart.js';
import { announce, button, confirmAction, el, link, msg, summary, table, text } from './ui.js';

const STAGES = ['Build', 'Image', 'Task definition', 'Blue/green', 'Switch'];
const ENDED = new Set(['COMPLETED', 'FAILED', 'ROLLED_BACK']);

function pipeline(r) {
  return el(
    'ol',
    { id: 'pipeline', className: 'pipeline', 'aria-label': 'Stages' },
    STAGES.map((name, i) => {
      const n = i + 1;
      const state = r.status === 'COMPLETED' || n < r.stage ? 'done' : n === r.stage ? (ENDED.has(r.status) ? 'failed' : 'current') : '';
      return el('li', { className: state, 'aria-current': state === 'current' ? 'step' : undefined, textContent: `${n} · ${name}` });
    }),
  );
}

const pct = (f) => (f ? `${(f.errorRate * 100).toFixed(1)}%` : '—');

function gate(r, timeline) {
  const { blue, green, watch = [] } = r.evidence ?? {};
  const approvals = r.approvals ?? [];
  const parts = [el('h3', { textContent: 'Green against blue' })];
  parts.push(
    el('div', { id: 'figures' }, [
      table(
        ['', 'p50 (ms)', 'p95 (ms)', 'Error rate', 'Samples'],
        [
          ['Green', text(green?.p50Ms ?? green?.latencyMs), text(green?.p95Ms), pct(green), text(green?.samples)],
          ['Blue', text(blue?.p50Ms ?? blue?.latencyMs), text(blue?.p95Ms), pct(blue), text(blue?.samples)],
        ],
      ),
    ]),
  );
  parts.push(
    watch.length > 0
      ? watchChart(watch)
      : el('p', { className: 'muted', textContent: 'No watch samples yet (the hold is watched while the gate is open).' }),
  );
  const step = stepFacts(r);
  if (step) parts.push(el('p', { id: 'step', textContent: step }));
  // A stepped release: the weight on green over time, from the log's step events.
  if (step && timeline.from)
    parts.push(weightChart(timeline.shifts, timeline.from, ENDED.has(r.status) ? timeline.last : new Date().toISOString()));
  parts.push(el('h3', { textContent: `Approvals ${approvals.length} of ${r.approvalsRequired ?? 1}` }));
  parts.push(
    el('ol', { id: 'decisions', className: 'decisions' }, [
      ...approvals.map((a) =>
        el('li', {}, [
          msg(
            `${a.at} — approved by ${a.person ? `${a.person} (${a.who})` : a.who} via ${a.via}${a.reason ? `: ${a.reason}` : ''}${a.overrodeFreeze ? `, overriding freeze ${a.overrodeFreeze}` : ''}`,
          ),
        ]),
      ),
      ...(r.decidedAt && !['DEPLOYMENT_READY', 'COMPLETED'].includes(r.status) && r.approvedBy
        ? [el('li', { textContent: `${r.decidedAt} — ${r.status} by ${r.approvedBy} via ${r.decidedVia}` })]
        : []),
    ]),
  );
  return el('section', { id: 'gate' }, parts);
}

/** A stepped release (canary, linear, steps): where it is, the weight on green, the bake's time left. */
function stepFacts(r) {
  if ((r.steps ?? []).length < 2) return undefined;
  const facts = [`${r.strategy} · step ${r.currentStep ?? 0} of ${r.steps.length} · ${r.trafficWeight ?? 0} % on green`];
  const bakeLeft = r.bakeEndsAt ? Date.parse(r.bakeEndsAt) - Date.now() : 0;
  if (bakeLeft > 0) facts.push(`bake until ${r.bakeEndsAt.slice(11, 16)} UTC (${Math.ceil(bakeLeft / 60000)} min left)`);
  return facts.join(' · ');
}

/** The approve button names the next step of a stepped release ("Continue to 50 %"). */
function switchLabel(r) {
  const next = (r.steps ?? []).length > 1 ? r.steps[r.currentStep ?? 0] : undefined;
  return next ? `Continue to ${next.weight} %` : 'Switch traffic to green';
}

export async function renderRelease(root, ctx, id) {
  const head = el('div');
  const events = el('ol', { id: 'events', className: 'events', 'aria-label': 'Event log', tabindex: '0' });
  const card = el('section', { id: 'detail', className: 'card', 'aria-labelledby': 'detail-title' }, [
    el('h2', { id: 'detail-title', textContent: `Deployment ${id}` }),
    head,
    el('h3', { textContent: 'Events' }),
    events,
  ]);
  root.append(card);
  let lastStatus;
  const timeline = { shifts: [], from: undefined, last: undefined };
  const show = async () => {
    const r = (await api(`/api/v1/deploy/${id}/result`)).data;
    if (ctx.signal.aborted) return;
    // Re-rendered on every event: keep the keyboard user's place.
    const focused = card.contains(document.activeElement) ? document.activeElement.id : undefined;
    const service = r.finalService;
    const actions = el('div', { className: 'actions' }, [
      ctx.may('approver') && r.status === 'DEPLOYMENT_READY'
        ? button(switchLabel(r), () =>
            confirmAction({
              title: `${switchLabel(r)}?`,
              body: `Production traffic of ${r.owner}/${r.repo} moves to ${r.version ?? r.branch}. The service's policy may refuse.`,
              confirmLabel: 'Switch',
              reason: true,
              run: async (reason) => {
                const res = await post(`/api/v1/deploy/${id}/switch`, reason ? { reason } : {});
                await show();
                return `${res.message} ${res.data.message ?? ''}`;
              },
            }),
          )
        : null,
      ctx.may('approver') && ['IN_PROGRESS', 'DEPLOYMENT_READY', 'COMPLETED'].includes(r.status)
        ? button(
            'Roll back',
            () =>
              confirmAction({
                title: 'Roll back?',
                body:
                  r.status === 'COMPLETED'
                    ? 'Blue (the release this one replaced) takes production traffic back.'
                    : 'Green is torn down; blue keeps serving.',
                confirmLabel: 'Roll back',
                reason: true,
                run: async (reason) => {
                  const res = await post(`/api/v1/deploy/${id}/rollback`, reason ? { reason } : {});
                  await show();
                  return `${res.message} ${res.data.message ?? ''}`;
                },
              }),
            'danger',
          )
        : null,
    ]);
    for (const b of actions.querySelectorAll('button')) b.id = b.textContent === 'Roll back' ? 'rollback-btn' : 'switch-btn';
    head.replaceChildren(
      pipeline(r),
      summary({
        Status: r.status,
        Repository: `${r.owner}/${r.repo}`,
        Version: r.version ?? r.branch,
        Commit: r.commitSha,
        'Image digest': r.imageDigest,
        Started: r.startedAt,
        'Duration (s)': r.durationSeconds,
        'Live colour': service,
        'Decided by': r.approvedBy,
        Error: r.errorMessage,
      }),
      r.rollbackOf ? el('p', {}, ['Rolls back ', link(`#/deployments/${r.rollbackOf}`, r.rollbackOf)]) : '',
      gate(r, timeline),
      actions,
    );
    if (focused) document.getElementById(focused)?.focus();
    card.dataset.status = r.status;
    if (lastStatus && lastStatus !== r.status) announce(`Deployment ${id} is now ${r.status}`);
    lastStatus = r.status;
  };
  await show();
  void follow(`/api/v1/deploy/${id}/events`, ctx.signal, (type, payload) => {
    events.append(el('li', {}, [el('b', { textContent: `${type}: ` }), msg(payload.message ?? '')]));
    timeline.from ??= payload.at;
    timeline.last = payload.at ?? timeline.last;
    if (payload.details?.milestone === 'step') timeline.shifts.push({ at: payload.at, weight: payload.details.weight });
    void show();
  });
}
