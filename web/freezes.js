// Freezes (#/freezes): those in force and planned, set one, lift one, and the emergency stop
// (every deployment at the gate or in flight rolled back) behind a typed confirmation.
import { api, post } from './api.js';
import { button, confirmAction, el, msg, table, text } from './ui.js';
import { liveList, viewSignal } from './live.js';

/** The view's live stream, replaced when the view renders itself again after an action. */
const live = {};

export async function renderFreezes(root, ctx) {
  const load = async () => {
    const { data } = await api('/api/v1/freezes');
    return data.freezes ?? data.active ?? [];
  };
  const all = await load();
  const section = el('section', { className: 'card', id: 'freezes' });
  const render = () =>
    section.replaceChildren(
      el('h2', { textContent: 'Freezes' }),
      all.length === 0
        ? el('p', { className: 'muted', textContent: 'No freeze in force or planned.' })
        : table(
            ['Id', 'Scope', 'Reason', 'From', 'Until', 'Set by', ''],
            all.map((f) => [
              f.id,
              f.scope === 'all' ? 'all services' : f.scope.join(', '),
              msg(f.reason),
              text(f.startsAt),
              text(f.endsAt),
              text(f.by),
              ctx.may('admin')
                ? button(
                    `Lift ${f.id}`,
                    () =>
                      confirmAction({
                        title: `Lift freeze ${f.id}?`,
                        body: `Deployments in scope (${f.scope === 'all' ? 'all services' : f.scope.join(', ')}) may start again.`,
                        confirmLabel: 'Lift',
                        run: async () => {
                          const r = await post(`/api/v1/freezes/${encodeURIComponent(f.id)}`, undefined, 'DELETE');
                          await rerender(root, ctx);
                          return r.message;
                        },
                      }),
                    'secondary',
                  )
                : '',
            ]),
          ),
    );
  render();
  root.append(section);
  // Live: a freeze set or lifted elsewhere (or ending) shows without a reload.
  liveList(viewSignal(ctx, live), { kind: 'freeze', rows: all, keyOf: (f) => f.id, render, reload: load });
  if (!ctx.may('admin')) return;
  const field = (id, label, input) => el('div', {}, [el('label', { htmlFor: id, textContent: label }), input]);
  const form = el('form', { id: 'freeze-form' }, [
    field('freeze-scope', 'Scope (cluster/service, comma-separated; empty: all services)', el('input', { id: 'freeze-scope' })),
    field('freeze-reason', 'Reason', el('input', { id: 'freeze-reason', required: true })),
    field(
      'freeze-hours',
      'Hours from now',
      el('input', { id: 'freeze-hours', type: 'number', min: 1, max: 720, value: 4, required: true }),
    ),
    el('div', { className: 'actions' }, [el('button', { id: 'freeze-submit', type: 'submit', textContent: 'Set freeze' })]),
    el('p', { id: 'freeze-error', className: 'error', role: 'alert' }),
  ]);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const scope = form
      .querySelector('#freeze-scope')
      .value.split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const reason = form.querySelector('#freeze-reason').value.trim();
    const endsAt = new Date(Date.now() + Number(form.querySelector('#freeze-hours').value) * 3_600_000).toISOString();
    confirmAction({
      title: 'Set this freeze?',
      body: `${scope.length ? scope.join(', ') : 'All services'} frozen until ${endsAt}: ${reason}`,
      confirmLabel: 'Set freeze',
      run: async () => {
        const r = await post('/api/v1/freezes', { scope: scope.length ? scope : 'all', reason, endsAt });
        await rerender(root, ctx);
        return `${r.message}: ${r.data.id}`;
      },
    });
  });
  const stop = button(
    'Emergency stop',
    () =>
      confirmAction({
        title: 'Emergency stop',
        body: 'Freezes every service and rolls back every deployment in flight or at the gate.',
        confirmLabel: 'Stop everything',
        reason: true,
        typed: 'STOP',
        run: async (reason) => {
          const r = await post('/api/v1/freezes/emergency-stop', { reason: reason ?? 'emergency stop from the console' });
          await rerender(root, ctx);
          return r.message;
        },
      }),
    'danger',
  );
  stop.id = 'emergency-stop';
  root.append(
    el('section', { className: 'card' }, [el('h2', { textContent: 'Set a freeze' }), form]),
    el('section', { className: 'card' }, [el('h2', { textContent: 'Emergency stop' }), stop]),
  );
}

async function rerender(root, ctx) {
  root.replaceChildren();
  await renderFreezes(root, ctx);
}
