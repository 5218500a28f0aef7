// What changed between two reads of the console's lists (deployments, distributions, freezes):
// pure, so the rules are unit-tested. The deployment and distribution lists are the newest N runs
// of visibility, so a run leaving the list has only been pushed out by newer ones: no removal is
// said for it. A freeze leaving the list has been lifted or has ended: that is a removal.

export const LIST_KINDS = ['deployment', 'distribution', 'freeze'] as const;
export type ListKind = (typeof LIST_KINDS)[number];

/** One row of a list as the list's own route returns it (GET /api/v1/deployments, …), with its id and status. */
export interface ListRow {
  id: string;
  status: string;
  item: Record<string, unknown>;
}

export interface ListChange {
  kind: ListKind;
  id: string;
  change: 'added' | 'changed' | 'removed';
  status: string;
  /** The row as its list route shows it now (the last one seen, for a removal). */
  item: Record<string, unknown>;
}

/** One kind's rows as last read: by id, with the JSON each is compared by (its status and row). */
export type ListSnapshot = Map<string, { row: ListRow; json: string }>;

/** Kinds whose rows leaving the list means they are gone (freezes lifted or over). */
const REMOVALS: ReadonlySet<ListKind> = new Set(['freeze']);

export function snapshotOf(rows: readonly ListRow[]): ListSnapshot {
  return new Map(rows.map((row) => [row.id, { row, json: JSON.stringify([row.status, row.item]) }]));
}

/** The changes from `before` to `after` for one kind: added and changed rows in `after`'s order, then removals. */
export function listChanges(kind: ListKind, before: ListSnapshot, after: ListSnapshot): ListChange[] {
  const changes: ListChange[] = [];
  for (const [id, { row, json }] of after) {
    const previous = before.get(id);
    if (previous === undefined) changes.push({ kind, id, change: 'added', status: row.status, item: row.item });
    else if (previous.json !== json) changes.push({ kind, id, change: 'changed', status: row.status, item: row.item });
  }
  if (REMOVALS.has(kind)) {
    for (const [id, { row }] of before) {
      if (!after.has(id)) changes.push({ kind, id, change: 'removed', status: row.status, item: row.item });
    }
  }
  return changes;
}

/**
 * A stream's position: the feed's epoch (a fresh one each time the feed starts reading, so a
 * position from another API process or an earlier run is recognised as foreign) and a seq.
 */
export function cursorOf(epoch: string, seq: number): string {
  return `${epoch}.${seq}`;
}

export function parseCursor(raw: string | undefined): { epoch: string; seq: number } | undefined {
  const match = raw === undefined ? null : /^([a-z0-9]{1,16})\.(\d{1,15})$/.exec(raw.trim());
  return match ? { epoch: match[1]!, seq: Number(match[2]) } : undefined;
}
