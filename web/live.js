// Live list views: the open list follows one SSE stream of list changes (GET /api/v1/lists/events,
// fed by one reader per API process), resumed with Last-Event-ID after a drop. A `change` patches
// the view's rows in place (no read); a `reset` (the first event, or a position the server cannot
// resume) reads the list again.
import { follow } from './api.js';
import { announce } from './ui.js';

/**
 * Keeps `rows` (the view's list, newest first) live for one kind until `signal` aborts:
 * `keyOf` names a row, `keep` says whether a row belongs in the view (its filters), `render`
 * redraws, `reload` reads the list again, and `say` (optional) words a change for `aria-live`.
 */
export function liveList(signal, { kind, rows, keyOf, keep = () => true, render, reload, say, limit = 50 }) {
  void follow('/api/v1/lists/events', signal, async (event, payload) => {
    if (event === 'reset') {
      const fresh = await reload().catch(() => undefined);
      if (!fresh || signal.aborted) return;
      rows.splice(0, rows.length, ...fresh);
      render();
      return;
    }
    if (event !== 'change' || payload.kind !== kind) return;
    const at = rows.findIndex((row) => keyOf(row) === payload.id);
    const before = at >= 0 ? rows[at] : undefined;
    if (at >= 0) rows.splice(at, 1);
    if (payload.change !== 'removed' && keep(payload.item)) rows.splice(at >= 0 ? at : 0, 0, payload.item);
    if (rows.length > limit) rows.length = limit;
    render();
    // Announced: a new row, a row gone, or a new status (not every stage of a running deployment).
    if (say && (payload.change !== 'changed' || before?.status !== payload.status)) announce(say(payload));
  });
}

/** The view's signal, also ended when the view renders itself again (after an action) and starts a new stream. */
export function viewSignal(ctx, holder) {
  holder.controller?.abort();
  holder.controller = new AbortController();
  return AbortSignal.any([ctx.signal, holder.controller.signal]);
}
