// Business metrics the API can see: what it admitted, approved and rolled back, and the outcomes
// it read back from workflows. Counted once per deployment / channel publish even when the API
// reads the same closed state many times (bounded memory of what was counted).
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { AdmissionOutcome } from '../../workflows/service/messages.js';
import type { DeploymentSnapshot } from '../../domain/deployment.js';
import { TERMINAL_STATUSES } from '../../domain/deployment.js';
import type { DistributionSnapshot } from '../../domain/distribution.js';
import { canonicalServiceKey } from '../../workflows/service/service-key.js';
import { GateWaits } from './gate-waits.js';

/** Remembers the last `limit` keys: enough to dedupe re-reads without growing forever. */
class SeenOnce {
  private readonly keys = new Set<string>();
  constructor(private readonly limit = 10_000) {}
  first(key: string): boolean {
    if (this.keys.has(key)) return false;
    this.keys.add(key);
    if (this.keys.size > this.limit) this.keys.delete(this.keys.values().next().value as string);
    return true;
  }
}

export class BusinessMetrics {
  private readonly started: Counter<'service' | 'admission'>;
  private readonly finished: Counter<'service' | 'outcome'>;
  private readonly gate: Histogram<'service'>;
  private readonly approvals: Counter<'service' | 'switched'>;
  private readonly rollbacks: Counter<'reason'>;
  private readonly queue: Gauge<'service'>;
  private readonly distributions: Counter<never>;
  private readonly publishes: Counter<'channel' | 'outcome'>;
  private readonly finishedSeen = new SeenOnce();
  private readonly publishSeen = new SeenOnce();
  private readonly gateWaits = new GateWaits();

  constructor(registry: Registry) {
    const registers = [registry];
    this.started = new Counter({
      name: 'switchyard_deployments_started_total',
      help: 'Deployments admitted, by service and admission outcome (started or queued).',
      labelNames: ['service', 'admission'],
      registers,
    });
    this.finished = new Counter({
      name: 'switchyard_deployments_finished_total',
      help: 'Deployments seen closed by the API, by service and final status.',
      labelNames: ['service', 'outcome'],
      registers,
    });
    this.gate = new Histogram({
      name: 'switchyard_deployment_gate_seconds',
      help: 'Seconds a deployment waited at the approval gate before traffic switched.',
      labelNames: ['service'],
      buckets: [10, 60, 300, 900, 1800, 3600, 4 * 3600, 12 * 3600, 24 * 3600],
      registers,
    });
    this.approvals = new Counter({
      name: 'switchyard_approvals_total',
      help: 'Approvals recorded at the gate, by service and whether they switched traffic.',
      labelNames: ['service', 'switched'],
      registers,
    });
    this.rollbacks = new Counter({
      name: 'switchyard_rollbacks_total',
      help: 'Rollbacks requested, by reason class: stop (before the switch) or undo (redeploy of the previous release).',
      labelNames: ['reason'],
      registers,
    });
    this.queue = new Gauge({
      name: 'switchyard_deployment_queue_depth',
      help: 'Deployments waiting behind the running one, per service, as last reported by an admission.',
      labelNames: ['service'],
      registers,
    });
    this.distributions = new Counter({
      name: 'switchyard_distributions_started_total',
      help: 'Distributions started (a repeat of an open event joins it and is not counted).',
      registers,
    });
    this.publishes = new Counter({
      name: 'switchyard_channel_publishes_total',
      help: 'Channel publishes seen settled by the API, by channel and outcome.',
      labelNames: ['channel', 'outcome'],
      registers,
    });
    // Both computed at scrape time from the same reads, so "time left" falls between scrapes.
    const gateWaits = this.gateWaits;
    new Gauge({
      name: 'switchyard_gate_waiting',
      help: 'Deployments this API process last read waiting at the approval gate, per service.',
      labelNames: ['service'],
      registers,
      collect() {
        this.reset();
        for (const [service, figures] of gateWaits.byService()) this.set({ service }, figures.waiting);
      },
    });
    new Gauge({
      name: 'switchyard_gate_wait_remaining_seconds',
      help: "Least time left before a waiting deployment's gate times out and rolls back, per service (deployments this API process read).",
      labelNames: ['service'],
      registers,
      collect() {
        this.reset();
        for (const [service, figures] of gateWaits.byService()) this.set({ service }, figures.remainingSeconds);
      },
    });
  }

  admitted(serviceKey: string, outcome: AdmissionOutcome): void {
    this.started.inc({ service: serviceKey, admission: outcome.outcome });
    // A queued position is the depth behind the running deployment; a start means nobody waits ahead.
    this.queue.set({ service: serviceKey }, outcome.outcome === 'queued' ? outcome.position : 0);
  }

  /** `switchTimeoutMs`: the gate's timeout this API starts deployments with (for the gate-wait gauges). */
  deploymentRead(snapshot: DeploymentSnapshot, switchTimeoutMs?: number): void {
    this.gateWaits.seen(snapshot, serviceOf(snapshot), switchTimeoutMs);
    if (!TERMINAL_STATUSES.has(snapshot.status) || !this.finishedSeen.first(snapshot.deploymentId)) return;
    this.finished.inc({ service: serviceOf(snapshot), outcome: snapshot.status });
  }

  /** `readyAt` is when the deployment reached the gate (its stage 4 finished). */
  approved(snapshot: DeploymentSnapshot, switched: boolean): void {
    this.approvals.inc({ service: serviceOf(snapshot), switched: String(switched) });
    if (switched) this.gateWaits.forget(snapshot.deploymentId);
    const readyAt = snapshot.completedAt ? Date.parse(snapshot.completedAt) : NaN;
    if (switched && Number.isFinite(readyAt))
      this.gate.observe({ service: serviceOf(snapshot) }, Math.max(0, (Date.now() - readyAt) / 1000));
  }

  rolledBack(reason: 'stop' | 'undo'): void {
    this.rollbacks.inc({ reason });
  }

  distributionStarted(): void {
    this.distributions.inc();
  }

  distributionRead(snapshot: DistributionSnapshot): void {
    for (const channel of snapshot.channels) {
      if (channel.status !== 'COMPLETED' && channel.status !== 'FAILED') continue;
      // A retry settles the channel again, later: its completion time tells the publishes apart.
      if (this.publishSeen.first(`${snapshot.eventId}/${channel.channel}/${channel.completedAt ?? ''}/${channel.retries}`)) {
        this.publishes.inc({ channel: channel.channel, outcome: channel.status === 'COMPLETED' ? 'success' : 'failure' });
      }
    }
  }
}

function serviceOf(snapshot: DeploymentSnapshot): string {
  return canonicalServiceKey(snapshot.cluster, snapshot.service);
}
