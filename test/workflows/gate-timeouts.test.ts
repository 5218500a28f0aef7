// The gate's timeout action over an hour of workflow time, on Temporal's time-skipping test server
// (the real deployment workflow, stub activities): `rollback` (the default), `extend` once, and
// `escalate` to another Slack group until a hard limit. Never a silent promotion. Each case also
// states the history it costs: an hour's wait at the gate is a timer, not a growing history.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_APPROVAL_POLICY, type TimeoutPolicy } from '../../domain/approval-policy.js';
import { deploymentEventsQuery, deploymentSnapshotQuery, switchTrafficUpdate } from '../../workflows/deployment/messages.js';
import { FAST_LIMITS, STUB_ACTIVITIES } from './stub-worker.js';
import { startTimeSkippingDeployments, type TimeSkippingDeployments } from './time-skipping.js';

const HOUR = 3_600_000;
/** The deployment's history budget (test/deployment.test.ts): an hour at the gate stays within it. */
const DEPLOYMENT_HISTORY_BUDGET = 150;
const limits = { ...FAST_LIMITS, switchTimeoutMs: HOUR, totalMs: 4 * HOUR };

describe("the gate's timeout action over an hour (time-skipping test server)", () => {
  let deployments: TimeSkippingDeployments;
  let env: TestWorkflowEnvironment;
  const escalations: { slackGroup: string; waitedMs: number }[] = [];
  const escalationUpdates: { ts: string; outcome: string }[] = [];

  beforeAll(async () => {
    deployments = await startTimeSkippingDeployments('gate-timeouts', {
      ...STUB_ACTIVITIES,
      postEscalation: async (input: { slackGroup: string; waitedMs: number }) => {
        escalations.push(input);
        return { channel: 'CSTUB', ts: `${escalations.length}.0` };
      },
      updateEscalation: async (input: { ts: string; outcome: string }) => {
        escalationUpdates.push(input);
      },
    });
    env = deployments.env;
  }, 60_000);
  afterAll(() => deployments?.teardown());

  let n = 0;
  const start = (onTimeout?: TimeoutPolicy) =>
    deployments.start(`dep-timeout-${++n}`, {
      limits,
      approvalPolicy: { ...DEFAULT_APPROVAL_POLICY, ...(onTimeout ? { onTimeout } : {}) },
    });
  const historyLength = (handle: Awaited<ReturnType<typeof start>>) => deployments.historyLength(handle);
  const milestones = async (handle: Awaited<ReturnType<typeof start>>) =>
    (await handle.query(deploymentEventsQuery, 0)).events.map((e) => e.details['milestone']).filter(Boolean);

  it('rollback (the default): nobody decides within the hour, so it rolls back; an hour at the gate is one timer', async () => {
    const handle = await start();
    const startedAt = await env.currentTimeMs();
    const result = await handle.result();
    expect(result).toMatchObject({ status: 'ROLLED_BACK', decision: { action: 'timeout', reason: 'no switch within 3600 s' } });
    expect((await env.currentTimeMs()) - startedAt).toBeGreaterThanOrEqual(HOUR);
    expect(await historyLength(handle)).toBeLessThan(DEPLOYMENT_HISTORY_BUDGET);
  });

  it('extend: the gate stays open once more, and a switch within the extension completes', async () => {
    const handle = await start({ action: 'extend', extendMs: 30 * 60_000 });
    const startedAt = await env.currentTimeMs();
    await env.sleep(HOUR + 5 * 60_000);
    expect((await handle.query(deploymentSnapshotQuery)).status).toBe('DEPLOYMENT_READY');
    expect(await milestones(handle)).toContain('gate_extended');
    // The UI's current details moved the timeout to the extension's end (an hour and a half in).
    const { currentDetails } = await handle.query<{ currentDetails: string }>('__temporal_workflow_metadata');
    const closesAt = Date.parse(/\*\*Switch timeout\*\* at (\S+)/.exec(currentDetails)![1]!);
    expect(closesAt - startedAt).toBeGreaterThanOrEqual(HOUR * 1.5 - 60_000);
    expect(currentDetails).toContain('0 of 1 approval');
    await handle.executeUpdate(switchTrafficUpdate, { args: [{ by: 'alice', via: 'api' }] });
    await expect(handle.result()).resolves.toMatchObject({ status: 'COMPLETED', decision: { action: 'switch', by: 'alice' } });
    expect(await historyLength(handle)).toBeLessThan(DEPLOYMENT_HISTORY_BUDGET);
  });

  it('extend: without a decision in the extension either, it rolls back after an hour and a half', async () => {
    const handle = await start({ action: 'extend', extendMs: 30 * 60_000 });
    const startedAt = await env.currentTimeMs();
    await expect(handle.result()).resolves.toMatchObject({
      status: 'ROLLED_BACK',
      decision: { action: 'timeout', reason: 'no switch within 5400 s (extended once)' },
    });
    expect((await env.currentTimeMs()) - startedAt).toBeGreaterThanOrEqual(HOUR * 1.5);
  });

  it('escalate: calls the other Slack group at the hour and keeps waiting until the hard limit, then rolls back', async () => {
    const handle = await start({ action: 'escalate', slackGroup: 'S0ONCALL', hardLimitMs: 2 * HOUR });
    const startedAt = await env.currentTimeMs();
    const result = await handle.result();
    expect(result).toMatchObject({
      status: 'ROLLED_BACK',
      decision: { action: 'timeout', reason: 'no switch within the hard limit of 7200 s, after escalating to S0ONCALL' },
    });
    expect((await env.currentTimeMs()) - startedAt).toBeGreaterThanOrEqual(2 * HOUR);
    expect(escalations).toEqual([expect.objectContaining({ slackGroup: 'S0ONCALL', waitedMs: HOUR })]);
    // The escalation no longer asks the group to act: it says how the gate ended.
    expect(escalationUpdates).toEqual([
      expect.objectContaining({
        ts: '1.0',
        outcome: expect.stringMatching(/^rolled back by switchyard \(workflow\) at .*: no switch within the hard limit/),
      }),
    ]);
    expect(await milestones(handle)).toContain('gate_escalated');
    expect(await historyLength(handle)).toBeLessThan(DEPLOYMENT_HISTORY_BUDGET);
  });
});
