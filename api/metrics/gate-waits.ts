// Deployments waiting at the approval gate, as this API process last read them, and how long until
// their gate's timeout acts (a rollback, unless someone switches). Built only from snapshots the API
// already reads (clients polling /result, SSE, Slack): no extra Temporal call at scrape time. So it
// is per API process and covers the deployments someone is watching through it; docs/alerts.md says so.
import type { TimeoutPolicy } from '../../domain/approval-policy.js';
import type { DeploymentSnapshot } from '../../domain/deployment.js';

interface GateWait {
  service: string;
  /** When the gate closes for good (the final timeout action rolls back). */
  closesAt: number;
}

/** How long the gate may stay open in all: the switch timeout plus what the timeout action adds (workflows/deployment/stages/gate.ts). */
export function gateHoldMs(switchTimeoutMs: number, onTimeout: TimeoutPolicy | undefined): number {
  if (onTimeout?.action === 'extend') return switchTimeoutMs + onTimeout.extendMs;
  if (onTimeout?.action === 'escalate') return Math.max(switchTimeoutMs, onTimeout.hardLimitMs);
  return switchTimeoutMs;
}

export class GateWaits {
  private readonly waits = new Map<string, GateWait>();
  constructor(private readonly limit = 10_000) {}

  /** A snapshot read: at the gate and undecided → tracked; anything else → forgotten. */
  seen(snapshot: DeploymentSnapshot, service: string, switchTimeoutMs: number | undefined): void {
    const openedAt = snapshot.completedAt ? Date.parse(snapshot.completedAt) : NaN;
    if (snapshot.status !== 'DEPLOYMENT_READY' || snapshot.decision || switchTimeoutMs === undefined || !Number.isFinite(openedAt)) {
      this.waits.delete(snapshot.deploymentId);
      return;
    }
    this.waits.set(snapshot.deploymentId, {
      service,
      closesAt: openedAt + gateHoldMs(switchTimeoutMs, snapshot.approvalPolicy?.onTimeout),
    });
    if (this.waits.size > this.limit) this.waits.delete(this.waits.keys().next().value as string);
  }

  forget(deploymentId: string): void {
    this.waits.delete(deploymentId);
  }

  /** Per service: how many wait, and the least time left (s). Gates past their close are dropped: the workflow has acted. */
  byService(now = Date.now()): Map<string, { waiting: number; remainingSeconds: number }> {
    const out = new Map<string, { waiting: number; remainingSeconds: number }>();
    for (const [id, wait] of this.waits) {
      if (wait.closesAt <= now) {
        this.waits.delete(id);
        continue;
      }
      const remaining = (wait.closesAt - now) / 1000;
      const current = out.get(wait.service);
      out.set(wait.service, {
        waiting: (current?.waiting ?? 0) + 1,
        remainingSeconds: Math.min(current?.remainingSeconds ?? Infinity, remaining),
      });
    }
    return out;
  }
}
