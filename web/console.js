// The Switchyard console: plain ES modules, no build step. Sign-in exchanges the API key for a
// session cookie; views are hash routes (deep links), each in its own module.
import { api, post } from './api.js';
import { $, announce, el, link, statusBadge, table, text } from './ui.js';
import { renderRelease } from './release.js';
import { renderServices, renderService } from './services.js';
import { renderDistributions, renderDistribution } from './distributions.js';
import { renderFreezes } from './freezes.js';
import { renderDelivery } from './delivery.js';
import { liveList } from './live.js';

const ctx = { me: null, abort: null, may: (role) => ctx.me && (ctx.me.role === 'admin' || ctx.me.role === role) };

// ---- sign-in -------------------------------------------------------------------------------
async function signedIn(me) {
  ctx.me = me;
  $('whoami').textContent = `${me.label} (${me.role})`;
  $('sign-in').hidden = true;
  $('nav').hidden = false;
  $('view').hidden = false;
  $('sign-out').hidden = false;
  await route();
}

$('key-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  $('key-error').textContent = '';
  try {
    const { data } = await api('/api/v1/sessions', { method: 'POST', headers: { authorization: `Bearer ${$('key-input').value.trim()}` } });
    $('key-input').value = '';
    announce(`Signed in as ${data.label} until ${data.expiresAt}`);
    await signedIn(data);
  } catch (error) {
    $('key-error').textContent = `Sign-in failed: ${error.message}`;
  }
});
$('sign-out').addEventListener('click', async () => {
  await post('/api/v1/sessions', undefined, 'DELETE').catch(() => undefined);
  location.hash = '';
  location.reload();
});

// ---- routing -------------------------------------------------------------------------------
const ROUTES = [
  [/^#\/deployments\/([\w-]+)$/, (root, id) => renderRelease(root, ctx, id)],
  [/^#\/services\/(.+)$/, (root, name) => renderService(root, ctx, decodeURIComponent(name))],
  [/^#\/services$/, (root) => renderServices(root, ctx)],
  [/^#\/distributions\/([^/]+)$/, (root, id) => renderDistribution(root, ctx, decodeURIComponent(id))],
  [/^#\/distributions$/, (root) => renderDistributions(root, ctx)],
  [/^#\/freezes$/, (root) => renderFreezes(root, ctx)],
  [/^#\/delivery$/, (root) => renderDelivery(root, ctx)],
  [/^/, (root) => renderDeployments(root, ctx)],
];

async function route() {
  if (!ctx.me) return;
  ctx.abort?.abort();
  ctx.abort = new AbortController();
  ctx.signal = ctx.abort.signal;
  const hash = location.hash || '#/deployments';
  for (const a of $('nav').querySelectorAll('a')) a.toggleAttribute('aria-current', hash.startsWith(a.getAttribute('href')));
  for (const a of $('nav').querySelectorAll('a[aria-current]')) a.setAttribute('aria-current', 'page');
  const root = $('view');
  root.replaceChildren();
  for (const [pattern, render] of ROUTES) {
    const match = pattern.exec(hash);
    if (!match) continue;
    try {
      await render(root, ...match.slice(1));
    } catch (error) {
      root.replaceChildren(el('p', { className: 'error', role: 'alert', textContent: error.message }));
    }
    return;
  }
}
window.addEventListener('hashchange', () => {
  void route().then(() => $('view').focus());
});

// ---- deployments (filters by service, status, repository) -----------------------------------
const STATUSES = ['', 'IN_PROGRESS', 'DEPLOYMENT_READY', 'COMPLETED', 'FAILED', 'ROLLED_BACK'];

async function renderDeployments(root) {
  const params = new URLSearchParams(location.hash.split('?')[1] ?? '');
  const field = (name, label, input) => el('div', {}, [el('label', { htmlFor: `filter-${name}`, textContent: label }), input]);
  const service = el('input', { id: 'filter-service', value: params.get('service') ?? '', placeholder: 'cluster/service' });
  const repository = el('input', { id: 'filter-repository', value: params.get('repository') ?? '', placeholder: 'owner/repo' });
  const status = el(
    'select',
    { id: 'filter-status' },
    STATUSES.map((s) => el('option', { value: s, textContent: s || 'any', selected: s === (params.get('status') ?? '') })),
  );
  const list = el('div', { id: 'deployments' });
  const form = el('form', { className: 'filters', 'aria-label': 'Filter deployments' }, [
    field('service', 'Service', service),
    field('repository', 'Repository', repository),
    field('status', 'Status', status),
    el('div', {}, [el('button', { type: 'submit', textContent: 'Filter' })]),
  ]);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const query = new URLSearchParams(
      Object.entries({ service: service.value.trim(), repository: repository.value.trim(), status: status.value }).filter(([, v]) => v),
    );
    location.hash = `#/deployments?${query}`;
  });
  root.append(el('section', { className: 'card' }, [el('h2', { textContent: 'Deployments' }), form, list]));
  if (ctx.may('deployer')) root.append(await deployForm());
  const query = new URLSearchParams([...params].filter(([, v]) => v));
  query.set('limit', '50');
  const load = async () => (await api(`/api/v1/deployments?${query}`)).data.deployments;
  const rows = await load();
  const render = () =>
    list.replaceChildren(
      table(
        ['Deployment', 'Service', 'Repository', 'Version', 'Status', 'Started'],
        rows.map((d) => [
          link(`#/deployments/${d.deploymentId}`, d.deploymentId),
          d.service ? link(`#/services/${encodeURIComponent(d.service)}`, d.service) : '—',
          text(d.repository),
          text(d.version),
          statusBadge(d.status),
          text(d.startedAt),
        ]),
        `${rows.length} deployments`,
      ),
    );
  render();
  // Live: deployments started elsewhere appear, and statuses change, without a reload.
  const wanted = (d) =>
    (!params.get('status') || d.status === params.get('status')) &&
    (!params.get('repository') || d.repository === params.get('repository')) &&
    (!params.get('service') || d.service === params.get('service') || d.service?.endsWith(`/${params.get('service')}`));
  liveList(ctx.signal, {
    kind: 'deployment',
    rows,
    keyOf: (d) => d.deploymentId,
    keep: wanted,
    render,
    reload: load,
    say: (c) => `Deployment ${c.id}: ${c.status}`,
  });
}

async function deployForm() {
  const { github, aws } = (await api('/api/v1/connections')).data;
  const input = (id, label, props = {}) => el('div', {}, [el('label', { htmlFor: id, textContent: label }), el('input', { id, ...props })]);
  const form = el('form', { id: 'deploy-form' }, [
    el('div', {}, [
      el('label', { htmlFor: 'deploy-github', textContent: 'GitHub connection' }),
      el(
        'select',
        { id: 'deploy-github', required: true },
        github.map((g) => el('option', { value: g.connectionId, textContent: `${g.connectionId} · ${g.owner}/${g.repo}` })),
      ),
    ]),
    el('div', {}, [
      el('label', { htmlFor: 'deploy-aws', textContent: 'AWS connection' }),
      el(
        'select',
        { id: 'deploy-aws', required: true },
        aws.map((a) => el('option', { value: a.connectionId, textContent: `${a.connectionId} · ${a.region}` })),
      ),
    ]),
    input('deploy-branch', 'Branch', { value: github[0]?.branch ?? 'main', required: true }),
    input('deploy-version', 'Version (tag or commit; empty: branch head)'),
    el('div', { className: 'actions' }, [el('button', { id: 'deploy-submit', type: 'submit', textContent: 'Deploy' })]),
    el('p', { id: 'deploy-error', className: 'error', role: 'alert' }),
  ]);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const chosen = github.find((g) => g.connectionId === form.querySelector('#deploy-github').value);
    const version = form.querySelector('#deploy-version').value.trim();
    try {
      const { data } = await post('/api/v1/deploy', {
        githubConnectionId: chosen.connectionId,
        awsConnectionId: form.querySelector('#deploy-aws').value,
        owner: chosen.owner,
        repo: chosen.repo,
        branch: form.querySelector('#deploy-branch').value.trim(),
        ...(version ? { version } : {}),
      });
      announce(`Deployment ${data.deploymentId} started`);
      location.hash = `#/deployments/${data.deploymentId}`;
    } catch (error) {
      form.querySelector('#deploy-error').textContent = error.message;
    }
  });
  return el('section', { className: 'card' }, [el('h2', { textContent: 'New deployment' }), form]);
}

// A session still open (the cookie is HttpOnly: ask the API who we are).
api('/api/v1/me')
  .then(({ data }) => signedIn(data))
  .catch(() => undefined);
