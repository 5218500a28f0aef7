// Freeze windows: no new deployment of a service in scope starts, and none at the gate switches
// (unless an admin overrides, which is recorded). Pure vocabulary and rules, shared by the freeze
// workflow (which keeps the freezes), the API (which refuses starts) and the deployment workflow
// (whose switch validator refuses a frozen switch).

export interface Freeze {
  id: string;
  /** `all`, or the `cluster/service` keys it covers. */
  scope: 'all' | string[];
  reason: string;
  startsAt: string;
  endsAt: string;
  by: string;
  createdAt: string;
}

export type FreezeRequest = Pick<Freeze, 'scope' | 'reason' | 'startsAt' | 'endsAt' | 'by'>;

/** The freezes in force at `now`. */
export function activeFreezes(freezes: readonly Freeze[], now: number): Freeze[] {
  return freezes.filter((f) => Date.parse(f.startsAt) <= now && now < Date.parse(f.endsAt));
}

/** The freeze in force at `now` that covers this service, if any (the one ending last). */
export function freezeCovering(freezes: readonly Freeze[], serviceKey: string, now: number): Freeze | undefined {
  return activeFreezes(freezes, now)
    .filter((f) => f.scope === 'all' || f.scope.includes(serviceKey))
    .sort((a, b) => Date.parse(b.endsAt) - Date.parse(a.endsAt))[0];
}

/** Why a request for a freeze is not one; undefined when it is. */
export function freezeRequestProblem(request: FreezeRequest, now: number): string | undefined {
  const starts = Date.parse(request.startsAt);
  const ends = Date.parse(request.endsAt);
  if (Number.isNaN(starts) || Number.isNaN(ends)) return 'startsAt and endsAt must be ISO-8601 times';
  if (ends <= starts) return 'endsAt must be after startsAt';
  if (ends <= now) return 'the freeze would already be over';
  if (request.scope !== 'all' && request.scope.length === 0) return 'scope must be "all" or at least one cluster/service';
  return undefined;
}

/** "Deployments of prod/payments are frozen until …: reason (freeze frz_…)". */
export function frozenMessage(freeze: Freeze, serviceKey: string): string {
  return `Deployments of ${serviceKey} are frozen until ${freeze.endsAt}: ${freeze.reason} (freeze ${freeze.id})`;
}
