// Small DOM helpers shared by the views: element building, the live status line, Korean
// detection (lang="ko" per message), and the one confirmation dialog.
export const $ = (id) => document.getElementById(id);
export const text = (value) => (value === null || value === undefined || value === '' ? '—' : String(value));

export function el(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key in node && !key.startsWith('aria') && key !== 'lang' && !key.startsWith('data')) node[key] = value;
    else node.setAttribute(key, value === true ? '' : value);
  }
  for (const child of [].concat(children)) if (child !== null && child !== undefined && child !== false) node.append(child);
  return node;
}

const HANGUL = /[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]/;
/** A span with lang="ko" when the text holds Hangul, so the Korean font stack applies. */
export const msg = (value, tag = 'span') =>
  el(tag, { textContent: text(value), lang: HANGUL.test(String(value ?? '')) ? 'ko' : undefined });

/** Status changes and refusals are announced (aria-live) and shown in the status line. */
export function announce(message) {
  const line = $('status');
  line.replaceChildren(msg(message));
}

export const statusBadge = (status) => el('span', { className: `status status-${status}`, textContent: text(status) });
export const link = (href, label) => el('a', { href, textContent: label });
export const button = (label, onclick, className) => el('button', { type: 'button', textContent: label, onclick, className });

export function summary(fields) {
  return el(
    'dl',
    { className: 'summary' },
    Object.entries(fields).map(([name, value]) =>
      el('div', {}, [el('dt', { textContent: name }), el('dd', {}, [name === 'Status' ? statusBadge(value) : msg(value)])]),
    ),
  );
}

export function table(headers, rows, caption) {
  return el('div', { className: 'table-wrap' }, [
    el('table', {}, [
      caption ? el('caption', { className: 'muted', textContent: caption }) : null,
      el('thead', {}, [
        el(
          'tr',
          {},
          headers.map((h) => el('th', { scope: 'col', textContent: h })),
        ),
      ]),
      el(
        'tbody',
        {},
        rows.map((cells) =>
          el(
            'tr',
            {},
            cells.map((cell) => el('td', {}, [cell instanceof Node ? cell : msg(cell)])),
          ),
        ),
      ),
    ]),
  ]);
}

/**
 * Ask before acting: a modal dialog (focus moves in, Escape cancels). `reason` adds a reason
 * field; `typed` requires typing that word. `run(reason)` does the action; when it throws, the
 * refusal (the API's message, e.g. the policy's) stays in the dialog and is announced.
 */
export function confirmAction({ title, body, confirmLabel = 'Confirm', reason = false, typed, run }) {
  const dialog = $('confirm');
  $('confirm-title').textContent = title;
  $('confirm-text').replaceChildren(msg(body));
  $('confirm-ok').textContent = confirmLabel;
  $('confirm-error').textContent = '';
  for (const id of ['confirm-reason', 'confirm-reason-label']) $(id).hidden = !reason;
  $('confirm-reason').value = '';
  for (const id of ['confirm-typed', 'confirm-typed-label']) $(id).hidden = !typed;
  $('confirm-typed').value = '';
  $('confirm-typed').required = Boolean(typed);
  $('confirm-typed-label').textContent = typed ? `Type ${typed} to confirm` : '';
  const opener = document.activeElement?.id;
  $('confirm-form').onsubmit = async (event) => {
    if (event.submitter?.value === 'cancel') return;
    event.preventDefault();
    if (typed && $('confirm-typed').value.trim() !== typed) {
      $('confirm-error').textContent = `Type ${typed} exactly to confirm.`;
      return;
    }
    try {
      const message = await run($('confirm-reason').value.trim() || undefined);
      dialog.close();
      announce(message);
    } catch (error) {
      $('confirm-error').replaceChildren(msg(error.message));
      announce(`Refused: ${error.message}`);
    }
  };
  // By id: the view may have re-rendered the button meanwhile.
  dialog.onclose = () => {
    if (opener) document.getElementById(opener)?.focus();
  };
  dialog.showModal();
}
