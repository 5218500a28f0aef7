// The Switchyard web console: plain ES module, no build step. It uses the same HTTP API and SSE
// streams as every other client, with the API key kept in sessionStorage (this tab only).
const $ = (id) => document.getElementById(id);
const KEY_STORAGE = 'switchyard-api-key';
const TERMINAL = new Set(['COMPLETED', 'FAILED', 'ROLLED_BACK']);
const state = { key: sessionStorage.getItem(KEY_STORAGE), me: null, selected: null, streamAbort: null, refreshTimer: null };

async function api(path, options = {}) {
  const response = await fetch(path, {
    ...options,
    headers: { authorization: `Bearer ${state.key}`, ...(options.body ? { 'content-type': 'application/json' } : {}), ...options.headers },
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.message ?? `HTTP ${response.status}`);
  return body;
}

const may = (role) => state.me && (state.me.role === 'admin' || state.me.role === role);
const text = (value) => (value === null || value === undefined ? '—' : String(value));

function el(tag, props = {}, children = []) {
  const node = Object.assign(document.createElement(tag), props);
  for (const child of [].concat(children)) node.append(child);
  return node;
}

// ---- sign-in -------------------------------------------------------------------------------
async function signIn(key) {
  state.key = key;
  try {
    state.me = (await api('/api/v1/me')).data;
  } catch (error) {
    state.key = null;
    sessionStorage.removeItem(KEY_STORAGE);
    $('key-error').textContent = `Sign-in failed: ${error.message}`;
    return;
  }
  sessionStorage.setItem(KEY_STORAGE, key);
  $('whoami').textContent = `${state.me.label} (${state.me.role})`;
  $('sign-in').hidden = true;
  $('console').hidden = false;
  $('sign-out').hidden = false;
  $('new-deploy').hidden = !may('deployer');
  await Promise.all([refreshLists(), loadConnections()]);
  state.refreshTimer = setInterval(() => void refreshLists(), 5000);
}

$('key-form').addEventListener('submit', (event) => {
  event.preventDefault();
  void signIn($('key-input').value.trim());
});
$('sign-out').addEventListener('click', () => {
  sessionStorage.removeItem(KEY_STORAGE);
  location.reload();
});

// ---- lists ---------------------------------------------------------------------------------
async function refreshLists() {
  const [deployments, distributions, freezes] = await Promise.all([
    api('/api/v1/deployments?limit=20').then((b) => b.data.deployments).catch(() => []),
    api('/api/distribution?limit=20').then((b) => b.distributions).catch(() => []),
    api('/api/v1/freezes').then((b) => b.data.active).catch(() => []),
  ]);
  // Freezes in force: deploys in scope are refused, switches need an admin's override.
  $('freezes').hidden = freezes.length === 0;
  $('freezes').replaceChildren(...freezes.map((f) => el('div', {
    textContent: `Frozen until ${f.endsAt}: ${f.reason} (${f.scope === 'all' ? 'all services' : f.scope.join(', ')}; ${f.id}, set by ${f.by})`,
  })));
  $('deployments').replaceChildren(...deployments.map((d) => el('li', { onclick: () => void selectDeployment(d.deploymentId) }, [
    el('span', { textContent: `${d.deploymentId} · ${text(d.repository)} ${text(d.version)}` }),
    el('span', { className: `status status-${d.status}`, textContent: d.status }),
  ])));
  $('distributions').replaceChildren(...distributions.map((d) => el('li', { onclick: () => void selectDistribution(d.eventId) }, [
    el('span', { textContent: d.eventId }),
    el('span', { className: `status status-${d.status}`, textContent: d.status }),
  ])));
}

async function loadConnections() {
  if (!may('deployer')) return;
  const { github, aws } = (await api('/api/v1/connections')).data;
  $('deploy-github').replaceChildren(...github.map((g) => el('option', { value: g.connectionId, textContent: `${g.connectionId} · ${g.owner}/${g.repo}` })));
  $('deploy-aws').replaceChildren(...aws.map((a) => el('option', { value: a.connectionId, textContent: `${a.connectionId} · ${a.region}` })));
  const fill = () => {
    const chosen = github.find((g) => g.connectionId === $('deploy-github').value);
    if (chosen) { $('deploy-owner').value = chosen.owner; $('deploy-repo').value = chosen.repo; $('deploy-branch').value = chosen.branch; }
  };
  $('deploy-github').onchange = fill;
  fill();
}

$('deploy-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  $('deploy-error').textContent = '';
  const version = $('deploy-version').value.trim();
  try {
    const { data } = await api('/api/v1/deploy', {
      method: 'POST',
      body: JSON.stringify({
        githubConnectionId: $('deploy-github').value, awsConnectionId: $('deploy-aws').value,
        owner: $('deploy-owner').value.trim(), repo: $('deploy-repo').value.trim(), branch: $('deploy-branch').value.trim(),
        ...(version ? { version } : {}),
      }),
    });
    await refreshLists();
    await selectDeployment(data.deploymentId);
  } catch (error) {
    $('deploy-error').textContent = error.message;
  }
});

// ---- live event stream (fetch-based SSE: EventSource cannot send the Authorization header) ---
async function follow(path, onEvent) {
  state.streamAbort?.abort();
  const abort = new AbortController();
  state.streamAbort = abort;
  $('events').replaceChildren();
  let lastId = 0;
  while (!abort.signal.aborted) {
    try {
      const response = await fetch(path, { headers: { authorization: `Bearer ${state.key}`, 'last-event-id': String(lastId) }, signal: abort.signal });
      if (!response.ok) return;
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let split;
        while ((split = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, split);
          buffer = buffer.slice(split + 2);
          const message = { event: 'message', data: '' };
          for (const line of block.split('\n')) {
            if (line.startsWith('event:')) message.event = line.slice(6).trim();
            else if (line.startsWith('data:')) message.data += line.slice(5).trim();
            else if (line.startsWith('id:')) lastId = Number(line.slice(3).trim());
          }
          if (message.data && message.event !== 'connected') onEvent(message.event, JSON.parse(message.data));
        }
      }
      if (abort.signal.aborted) return;
      await new Promise((resolve) => setTimeout(resolve, 1000)); // the server closes 5 s after the end, or every 5 minutes
    } catch {
      if (abort.signal.aborted) return;
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }
}

function logEvent(type, payload) {
  const item = el('li', { textContent: `${type}: ${payload.message ?? ''}` });
  $('events').append(item);
  item.scrollIntoView({ block: 'nearest' });
}

function summary(fields) {
  $('detail-summary').replaceChildren(...Object.entries(fields).map(([name, value]) => el('div', {}, [el('b', { textContent: name }), el('span', {
    textContent: text(value), className: name === 'Status' ? `status status-${value}` : '',
  })])));
}

// ---- a deployment --------------------------------------------------------------------------
async function showDeployment(id) {
  const r = (await api(`/api/v1/deploy/${id}/result`)).data;
  if (state.selected?.id !== id) return;
  summary({
    Status: r.status, Stage: r.stage, Repository: `${r.owner}/${r.repo}`, Version: r.version ?? r.branch,
    'Final service': r.finalService, 'Blue latency (ms)': r.blueLatencyMs, 'Green latency (ms)': r.greenLatencyMs,
    'Blue error rate': r.blueErrorRate, 'Green error rate': r.greenErrorRate, 'Decided by': r.approvedBy, Error: r.errorMessage,
  });
  showPipeline(r);
  showGate(r);
  $('switch-btn').hidden = !(may('approver') && r.status === 'DEPLOYMENT_READY');
  $('rollback-btn').hidden = !(may('approver') && ['IN_PROGRESS', 'DEPLOYMENT_READY', 'COMPLETED'].includes(r.status));
  $('detail').dataset.status = r.status;
}

// The five stages with the current one marked (the Panda deploy API's stage numbers).
const STAGES = ['Build', 'Image', 'Task definition', 'Blue/green', 'Switch'];
function showPipeline(r) {
  const ended = ['COMPLETED', 'FAILED', 'ROLLED_BACK'].includes(r.status);
  $('pipeline').hidden = false;
  $('pipeline').replaceChildren(...STAGES.map((name, i) => {
    const n = i + 1;
    const className = r.status === 'COMPLETED' || n < r.stage ? 'done' : n === r.stage ? (ended ? 'failed' : 'current') : '';
    return el('li', { className, textContent: `${n} · ${name}` });
  }));
}

// At the gate and after: green against blue, the approvals against the policy, and every decision.
function showGate(r) {
  const { blue, green, testTrafficSince, watch } = r.evidence ?? {};
  $('gate').hidden = !(blue || green || (r.approvals ?? []).length > 0);
  const row = (name, f) => el('tr', {}, [name, f?.p50Ms ?? f?.latencyMs, f?.p95Ms, f ? `${(f.errorRate * 100).toFixed(1)}%` : null, f?.samples]
    .map((value, i) => el('td', { textContent: i === 0 || value !== undefined ? text(value) : '—' })));
  $('figures').querySelector('tbody').replaceChildren(row('Green', green), row('Blue', blue));
  const facts = [`Approvals ${(r.approvals ?? []).length} of ${r.approvalsRequired ?? 1}`];
  if (testTrafficSince && r.status === 'DEPLOYMENT_READY') facts.push(`green on test traffic for ${Math.round((Date.now() - Date.parse(testTrafficSince)) / 60000)} min`);
  if (watch?.length) facts.push(`watched: last window ${watch[watch.length - 1].breach ?? 'healthy'}`);
  // A stepped release (canary, linear, steps): where it is, the bake's time left, and the next step on the button.
  const stepped = (r.steps ?? []).length > 1;
  const next = stepped ? r.steps[r.currentStep ?? 0] : undefined;
  if (stepped) {
    facts.push(`${r.strategy} · step ${r.currentStep ?? 0} of ${r.steps.length} · ${r.trafficWeight ?? 0} % on green`);
    const bakeLeft = r.bakeEndsAt ? Date.parse(r.bakeEndsAt) - Date.now() : 0;
    if (bakeLeft > 0) facts.push(`bake ${Math.ceil(bakeLeft / 60000)} min left`);
    if (!(blue || green)) $('gate').hidden = false;
  }
  $('switch-btn').textContent = next ? `Continue to ${next.weight} %` : 'Switch traffic to green';
  $('gate-facts').textContent = facts.join(' · ');
  const decisions = (r.approvals ?? []).map((a) => `${a.at} — approved by ${a.person ? `${a.person} (${a.who})` : a.who} (${a.via})${a.reason ? `: ${a.reason}` : ''}${a.overrodeFreeze ? ` overriding freeze ${a.overrodeFreeze}` : ''}`);
  if (r.decidedAt && r.status !== 'DEPLOYMENT_READY' && r.status !== 'COMPLETED' && r.approvedBy) decisions.push(`${r.decidedAt} — ${r.status} by ${r.approvedBy} (${r.decidedVia})`);
  $('decisions').replaceChildren(...decisions.map((line) => el('li', { textContent: line })));
}

async function selectDeployment(id) {
  state.selected = { kind: 'deployment', id };
  $('detail').hidden = false;
  $('detail-title').textContent = `Deployment ${id}`;
  $('channels').hidden = true;
  for (const button of ['retry-btn', 'cancel-btn']) $(button).hidden = true;
  $('action-result').textContent = '';
  await showDeployment(id);
  void follow(`/api/v1/deploy/${id}/events`, (type, payload) => {
    logEvent(type, payload);
    void showDeployment(id);
  });
}

async function decide(action) {
  const { id } = state.selected;
  try {
    const { message, data } = await api(`/api/v1/deploy/${id}/${action}`, { method: 'POST' });
    $('action-result').textContent = `${message} ${data.message ?? ''}`;
  } catch (error) {
    $('action-result').textContent = error.message;
  }
  await showDeployment(id);
}
$('switch-btn').addEventListener('click', () => void decide('switch'));
$('rollback-btn').addEventListener('click', () => void decide('rollback'));

// ---- a distribution ------------------------------------------------------------------------
async function showDistribution(eventId) {
  const s = await api(`/api/distribution/${eventId}/status`);
  if (state.selected?.id !== eventId) return;
  summary({ Status: s.overallStatus, Started: s.startedAt, Completed: s.completedAt });
  $('channels').hidden = false;
  $('channels').querySelector('tbody').replaceChildren(...s.channels.map((c) => el('tr', {}, [
    el('td', { textContent: c.channel }),
    el('td', { className: `status status-${c.status}`, textContent: c.status }),
    el('td', {}, [el('progress', { max: 100, value: c.status === 'COMPLETED' ? 100 : (c.progress ?? 0) })]),
    el('td', { textContent: c.errorMessage ?? c.postUrl ?? c.messageId ?? c.adId ?? c.distributionId ?? '' }),
  ])));
  state.failedChannels = s.channels.filter((c) => c.status === 'FAILED').map((c) => c.channel);
  $('retry-btn').hidden = !(may('deployer') && state.failedChannels.length > 0);
  $('cancel-btn').hidden = !(may('deployer') && s.channels.some((c) => c.status === 'PENDING'));
  if (!TERMINAL.has(s.overallStatus) && s.overallStatus !== 'PARTIAL_FAILURE') setTimeout(() => void showDistribution(eventId), 1000);
}

async function selectDistribution(eventId) {
  state.selected = { kind: 'distribution', id: eventId };
  $('detail').hidden = false;
  $('detail-title').textContent = `Distribution ${eventId}`;
  for (const button of ['switch-btn', 'rollback-btn']) $(button).hidden = true;
  $('action-result').textContent = '';
  await showDistribution(eventId);
  void follow(`/api/distribution/${eventId}/events`, (type, payload) => {
    logEvent(type, payload);
    void showDistribution(eventId);
  });
}

$('retry-btn').addEventListener('click', async () => {
  const { id } = state.selected;
  try {
    const result = await api(`/api/distribution/${id}/retry`, { method: 'POST', body: JSON.stringify({ channels: state.failedChannels }) });
    $('action-result').textContent = `Retry ${result.retryStatus}`;
  } catch (error) {
    $('action-result').textContent = error.message;
  }
  await showDistribution(id);
});
$('cancel-btn').addEventListener('click', async () => {
  const { id } = state.selected;
  try {
    const result = await api(`/api/distribution/${id}`, { method: 'DELETE' });
    $('action-result').textContent = `Cancelled ${result.cancelledChannels.join(', ')}`;
  } catch (error) {
    $('action-result').textContent = error.message;
  }
  await showDistribution(id);
});

if (state.key) void signIn(state.key);
