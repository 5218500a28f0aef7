// The business metrics' own rules, without Temporal: what each event adds, that re-reading a
// closed deployment or a settled publish counts it once, and that a retry's new publish counts
// again. (test/metrics.test.ts shows them end to end through a real deployment and distribution.)
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { DeploymentSnapshot } from '../../domain/deployment.js';
import type { DistributionSnapshot } from '../../domain/distribution.js';
import { BusinessMetrics } from '../../api/metrics/business.js';
import { loadConfig } from '../../common/config/config.js';
import { ChannelCircuitBreakers } from '../../activities/distribution/circuit-breaker.js';

const deployment = (fields: Partial<DeploymentSnapshot>) =>
  ({
    deploymentId: 'dep_a',
    status: 'COMPLETED',
    cluster: 'panda-cluster',
    service: 'api',
    startedAt: '2026-01-01T00:00:00Z',
    ...fields,
  }) as DeploymentSnapshot;
const distribution = (channels: Partial<DistributionSnapshot['channels'][number]>[]) =>
  ({ eventId: 'evt-1', channels }) as DistributionSnapshot;

async function setup() {
  const registry = new Registry();
  const metrics = new BusinessMetrics(registry);
  return { metrics, text: () => registry.metrics() };
}

describe('business metrics', () => {
  it('counts a closed deployment once however often it is read, and not while running', async () => {
    const { metrics, text } = await setup();
    metrics.deploymentRead(deployment({ status: 'DEPLOYMENT_READY' }));
    for (let i = 0; i < 3; i += 1) metrics.deploymentRead(deployment({ status: 'ROLLED_BACK' }));
    metrics.deploymentRead(deployment({ deploymentId: 'dep_b', status: 'FAILED' }));
    const out = await text();
    expect(out).toContain('switchyard_deployments_finished_total{service="panda-cluster/api",outcome="ROLLED_BACK"} 1');
    expect(out).toContain('switchyard_deployments_finished_total{service="panda-cluster/api",outcome="FAILED"} 1');
    expect(out).not.toContain('outcome="DEPLOYMENT_READY"');
  });

  it('sets the queue depth from admissions: the queued position, 0 after a start', async () => {
    const { metrics, text } = await setup();
    metrics.admitted('c/s', { outcome: 'queued', deploymentId: 'dep_2', position: 2, runningDeploymentId: 'dep_1' });
    expect(await text()).toContain('switchyard_deployment_queue_depth{service="c/s"} 2');
    metrics.admitted('c/s', { outcome: 'started', deploymentId: 'dep_3' });
    const out = await text();
    expect(out).toContain('switchyard_deployment_queue_depth{service="c/s"} 0');
    expect(out).toContain('switchyard_deployments_started_total{service="c/s",admission="queued"} 1');
    expect(out).toContain('switchyard_deployments_started_total{service="c/s",admission="started"} 1');
  });

  it('observes gate seconds only for the approval that switched traffic', async () => {
    const { metrics, text } = await setup();
    const ready = deployment({ status: 'DEPLOYMENT_READY', completedAt: new Date(Date.now() - 90_000).toISOString() });
    metrics.approved(ready, false);
    metrics.approved(ready, true);
    const out = await text();
    expect(out).toContain('switchyard_approvals_total{service="panda-cluster/api",switched="false"} 1');
    expect(out).toContain('switchyard_approvals_total{service="panda-cluster/api",switched="true"} 1');
    expect(out).toContain('switchyard_deployment_gate_seconds_count{service="panda-cluster/api"} 1');
    const sum = Number(/switchyard_deployment_gate_seconds_sum\{service="panda-cluster\/api"\} ([\d.]+)/.exec(out)?.[1]);
    expect(sum).toBeGreaterThanOrEqual(90);
    expect(sum).toBeLessThan(100);
    expect(out).toContain('switchyard_deployment_gate_seconds_bucket{le="60",service="panda-cluster/api"} 0');
  });

  it('counts rollbacks by reason class', async () => {
    const { metrics, text } = await setup();
    metrics.rolledBack('stop');
    metrics.rolledBack('undo');
    metrics.rolledBack('undo');
    const out = await text();
    expect(out).toContain('switchyard_rollbacks_total{reason="stop"} 1');
    expect(out).toContain('switchyard_rollbacks_total{reason="undo"} 2');
  });

  it("counts each settled publish once, a retry's publish again, and nothing in flight", async () => {
    const { metrics, text } = await setup();
    const failed = { channel: 'KAKAO_CHANNEL' as const, status: 'FAILED' as const, completedAt: 't1', retries: 3 };
    metrics.distributionRead(distribution([failed, { channel: 'NAVER_BLOG', status: 'IN_PROGRESS', retries: 0 }]));
    metrics.distributionRead(distribution([failed, { channel: 'NAVER_BLOG', status: 'COMPLETED', completedAt: 't1', retries: 0 }]));
    metrics.distributionRead(distribution([{ ...failed, status: 'COMPLETED', completedAt: 't2' }]));
    const out = await text();
    expect(out).toContain('switchyard_channel_publishes_total{channel="KAKAO_CHANNEL",outcome="failure"} 1');
    expect(out).toContain('switchyard_channel_publishes_total{channel="KAKAO_CHANNEL",outcome="success"} 1');
    expect(out).toContain('switchyard_channel_publishes_total{channel="NAVER_BLOG",outcome="success"} 1');
  });
});

describe('gate waits', () => {
  const HOUR = 3_600_000;
  const atGate = (id: string, openedMsAgo: number, fields: Partial<DeploymentSnapshot> = {}) =>
    deployment({ deploymentId: id, status: 'DEPLOYMENT_READY', completedAt: new Date(Date.now() - openedMsAgo).toISOString(), ...fields });
  const remaining = (out: string) =>
    Number(/switchyard_gate_wait_remaining_seconds\{service="panda-cluster\/api"\} ([\d.]+)/.exec(out)?.[1]);

  it('reports how many wait and the least time left before the switch timeout, per service', async () => {
    const { metrics, text } = await setup();
    metrics.deploymentRead(atGate('dep_old', 50 * 60_000), HOUR);
    metrics.deploymentRead(atGate('dep_new', 5 * 60_000), HOUR);
    const out = await text();
    expect(out).toContain('switchyard_gate_waiting{service="panda-cluster/api"} 2');
    // The older gate closes first: 10 minutes left.
    expect(remaining(out)).toBeGreaterThan(595);
    expect(remaining(out)).toBeLessThanOrEqual(600);
  });

  it('counts an extension into the time left, and forgets decided, switched, closed and timed-out gates', async () => {
    const { metrics, text } = await setup();
    metrics.deploymentRead(
      atGate('dep_ext', 50 * 60_000, {
        approvalPolicy: { onTimeout: { action: 'extend', extendMs: 30 * 60_000 } } as DeploymentSnapshot['approvalPolicy'],
      }),
      HOUR,
    );
    expect(remaining(await text())).toBeGreaterThan(39 * 60);
    metrics.deploymentRead(atGate('dep_ext', 50 * 60_000, { decision: { action: 'rollback' } as DeploymentSnapshot['decision'] }), HOUR);
    metrics.deploymentRead(atGate('dep_sw', 60_000), HOUR);
    metrics.approved(atGate('dep_sw', 60_000), true);
    metrics.deploymentRead(atGate('dep_done', 60_000), HOUR);
    metrics.deploymentRead(deployment({ deploymentId: 'dep_done', status: 'COMPLETED' }), HOUR);
    metrics.deploymentRead(atGate('dep_late', 2 * HOUR), HOUR);
    const out = await text();
    expect(out).not.toMatch(/switchyard_gate_waiting\{/);
    expect(out).not.toMatch(/switchyard_gate_wait_remaining_seconds\{/);
  });
});

describe('channel circuit breaker changes (exported by the worker)', () => {
  it('reports a channel on first use as closed, its opening with the open-until time, and its closing', () => {
    let now = 1_000_000;
    const changes: [string, number, boolean][] = [];
    const breakers = new ChannelCircuitBreakers({
      failureThreshold: 2,
      openMs: 30_000,
      now: () => now,
      onChange: (channel, until, opened) => changes.push([channel, until, opened]),
    });
    breakers.assertClosed('NAVER_BLOG');
    breakers.recordFailure('NAVER_BLOG');
    breakers.recordFailure('NAVER_BLOG');
    now += 31_000;
    breakers.recordSuccess('NAVER_BLOG');
    breakers.recordSuccess('NAVER_BLOG');
    expect(changes).toEqual([
      ['NAVER_BLOG', 0, false],
      ['NAVER_BLOG', 1_030_000, true],
      ['NAVER_BLOG', 0, false],
    ]);
  });
});

describe('metrics configuration', () => {
  it('is off by default and refuses a short key or an address without a port', () => {
    expect(loadConfig({})).toMatchObject({ metricsKey: undefined, workerMetricsAddress: undefined });
    expect(loadConfig({ SWITCHYARD_METRICS_KEY: 'k'.repeat(16), WORKER_METRICS_ADDRESS: '0.0.0.0:9464' })).toMatchObject({
      metricsKey: 'k'.repeat(16),
      workerMetricsAddress: '0.0.0.0:9464',
    });
    expect(() => loadConfig({ SWITCHYARD_METRICS_KEY: 'short' })).toThrow(/SWITCHYARD_METRICS_KEY/);
    expect(() => loadConfig({ WORKER_METRICS_ADDRESS: '9464' })).toThrow(/WORKER_METRICS_ADDRESS/);
  });
});
