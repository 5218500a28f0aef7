// Distributions (#/distributions, #/distributions/<eventId>): start one from a form, follow each
// channel (status, progress, result link, and its own timeline of attempts and circuit-breaker
// events from the SSE stream), retry failed channels and cancel scheduled ones.
import { api, follow, post } from './api.js';
import { announce, button, confirmAction, el, link, msg, statusBadge, table, text } from './ui.js';
import { liveList } from './live.js';

// Each channel and its key in the request's contentUrls.
const CONTENT_KEYS = {
  WOORIDONGNE_TV: 'wooridongneTV',
  RINGO_BIZ: 'ringoBiz',
  GENIE_TV: 'genieTV',
  INSTAGRAM: 'instagram',
  NAVER_BLOG: 'naverBlog',
  KAKAO_CHANNEL: 'kakaoChannel',
};
const CHANNELS = Object.keys(CONTENT_KEYS);

export async function renderDistributions(root, ctx) {
  const load = async () => (await api('/api/distribution?limit=50')).distributions ?? [];
  const rows = await load();
  const card = el('section', { className: 'card', id: 'distributions' });
  const render = () =>
    card.replaceChildren(
      el('h2', { textContent: 'Distributions' }),
      table(
        ['Event', 'Status'],
        rows.map((d) => [link(`#/distributions/${encodeURIComponent(d.eventId)}`, d.eventId), statusBadge(d.status)]),
      ),
    );
  render();
  root.append(card);
  liveList(ctx.signal, {
    kind: 'distribution',
    rows,
    keyOf: (d) => d.eventId,
    render,
    reload: load,
    say: (c) => `Distribution ${c.id}: ${c.status}`,
  });
  if (!ctx.may('deployer')) return;
  const field = (id, label, input) => el('div', {}, [el('label', { htmlFor: id, textContent: label }), input]);
  const form = el('form', { id: 'distribute-form' }, [
    field('dist-event', 'Event id', el('input', { id: 'dist-event', required: true, value: `evt-${Date.now().toString(36)}` })),
    el('fieldset', {}, [
      el('legend', { textContent: 'Channels' }),
      ...CHANNELS.map((c) =>
        el('label', { className: 'check' }, [el('input', { type: 'checkbox', name: 'channel', value: c, id: `dist-${c}` }), ` ${c}`]),
      ),
    ]),
    field('dist-caption', 'Caption / text', el('input', { id: 'dist-caption', required: true, value: '이벤트 안내' })),
    field(
      'dist-content',
      'Content URL (for every channel chosen)',
      el('input', { id: 'dist-content', type: 'url', required: true, value: 'https://cdn.example.com/event.jpg' }),
    ),
    el('div', { className: 'actions' }, [el('button', { id: 'distribute-submit', type: 'submit', textContent: 'Distribute' })]),
    el('p', { id: 'distribute-error', className: 'error', role: 'alert' }),
  ]);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const eventId = form.querySelector('#dist-event').value.trim();
    const caption = form.querySelector('#dist-caption').value;
    const channels = [...form.querySelectorAll('input[name=channel]:checked')].map((c) => ({
      type: c.value,
      config: { caption, text: caption },
    }));
    const submit = form.querySelector('#distribute-submit');
    submit.disabled = true;
    try {
      // Answered when the channels settle or after a short wait; then the page follows it live.
      await post('/api/distribution/distribute', {
        eventId,
        channels,
        contentUrls: Object.fromEntries(channels.map((c) => [CONTENT_KEYS[c.type], form.querySelector('#dist-content').value.trim()])),
      });
      announce(`Distribution ${eventId} started`);
      location.hash = `#/distributions/${encodeURIComponent(eventId)}`;
    } catch (error) {
      form.querySelector('#distribute-error').replaceChildren(msg(error.message));
      announce(`Distribution refused: ${error.message}`);
    } finally {
      submit.disabled = false;
    }
  });
  root.append(el('section', { className: 'card' }, [el('h2', { textContent: 'New distribution' }), form]));
}

export async function renderDistribution(root, ctx, eventId) {
  const head = el('div');
  const timelines = new Map();
  const events = el('ol', { id: 'events', className: 'events', 'aria-label': 'Event log', tabindex: '0' });
  const card = el('section', { id: 'detail', className: 'card' }, [
    el('h2', { textContent: `Distribution ${eventId}` }),
    head,
    el('h3', { textContent: 'Events' }),
    events,
  ]);
  root.append(card);
  let lastStatus;
  const show = async () => {
    const s = await api(`/api/distribution/${encodeURIComponent(eventId)}/status`).catch(() => ({
      overallStatus: 'PENDING',
      channels: [],
    }));
    if (ctx.signal.aborted) return;
    const focused = card.contains(document.activeElement) ? document.activeElement.id : undefined;
    const failed = s.channels.filter((c) => c.status === 'FAILED').map((c) => c.channel);
    head.replaceChildren(
      el('p', {}, ['Status ', statusBadge(s.overallStatus), ` · started ${text(s.startedAt)} · completed ${text(s.completedAt)}`]),
      el('div', { id: 'channels' }, [
        table(
          ['Channel', 'Status', 'Progress', 'Result', 'Timeline'],
          s.channels.map((c) => [
            c.channel,
            statusBadge(c.status),
            el('progress', { max: 100, value: c.status === 'COMPLETED' ? 100 : (c.progress ?? 0), 'aria-label': `${c.channel} progress` }),
            c.postUrl
              ? el('a', { href: c.postUrl, textContent: c.postUrl, rel: 'noopener' })
              : msg(c.errorMessage ?? c.messageId ?? c.adId ?? c.distributionId ?? ''),
            el(
              'ol',
              { className: 'decisions' },
              (timelines.get(c.channel) ?? []).map((line) => el('li', {}, [msg(line)])),
            ),
          ]),
        ),
      ]),
      el('div', { className: 'actions' }, [
        ctx.may('deployer') && failed.length > 0
          ? button(`Retry ${failed.join(', ')}`, () =>
              confirmAction({
                title: 'Retry the failed channels?',
                body: `${failed.join(', ')} will be published again (channels already published are not repeated).`,
                confirmLabel: 'Retry',
                run: async () => {
                  const r = await post(`/api/distribution/${encodeURIComponent(eventId)}/retry`, { channels: failed });
                  await show();
                  return `Retry ${r.retryStatus}`;
                },
              }),
            )
          : null,
        ctx.may('deployer') && s.channels.some((c) => c.status === 'PENDING')
          ? button(
              'Cancel scheduled channels',
              () =>
                confirmAction({
                  title: 'Cancel the scheduled channels?',
                  body: 'Channels still waiting for their time will not publish.',
                  confirmLabel: 'Cancel channels',
                  run: async () => {
                    const r = await post(`/api/distribution/${encodeURIComponent(eventId)}`, undefined, 'DELETE');
                    await show();
                    return `Cancelled ${r.cancelledChannels.join(', ')}`;
                  },
                }),
              'danger',
            )
          : null,
      ]),
    );
    for (const b of head.querySelectorAll('.actions button')) b.id = b.textContent.startsWith('Retry') ? 'retry-btn' : 'cancel-btn';
    if (focused) document.getElementById(focused)?.focus();
    card.dataset.status = s.overallStatus;
    if (lastStatus && lastStatus !== s.overallStatus) announce(`Distribution ${eventId} is now ${s.overallStatus}`);
    lastStatus = s.overallStatus;
  };
  await show();
  void follow(`/api/distribution/${encodeURIComponent(eventId)}/events`, ctx.signal, (type, payload) => {
    events.append(el('li', {}, [el('b', { textContent: `${type}: ` }), msg(payload.message ?? '')]));
    const channel = payload.details?.channel;
    if (channel)
      timelines.set(channel, [
        ...(timelines.get(channel) ?? []),
        `${(payload.timestamp ?? '').slice(11, 19)} ${payload.details.status ?? type}${payload.details.attempt ? ` (attempt ${payload.details.attempt})` : ''}`,
      ]);
    void show();
  });
}
