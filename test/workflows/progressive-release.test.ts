// A progressive release as the deployment workflow walks it, on Temporal's time-skipping test
// server (the real workflow; stub activities: a scripted engine answering startRelease,
// awaitRelease, continueRelease and rollBackRelease). Every step transition and every refusal at a
// step: approvals by the gate's rules (not an approver, self-approval, twice the same person, a
// freeze), a bad window rolling back at step k, an unanswered pause timing out, a rollback between
// steps; and a ten-step linear release with a watched hold stays within its history budget.
import { Context } from '@temporalio/activity';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReleaseProgress } from '../../activities/deployment/release-types.js';
import type { SlackDeploymentView } from '../../activities/slack/blocks.js';
import { reportingSteps } from '../../activities/slack/step-report.js';
import { DEFAULT_APPROVAL_POLICY, type ApprovalPolicy } from '../../domain/approval-policy.js';
import type { WatchVerdict } from '../../domain/deployment.js';
import { planRelease, type ReleasePlan, type ReleaseStrategy } from '../../domain/release-strategy.js';
import {
  deploymentEventsQuery,
  deploymentSnapshotQuery,
  rollbackUpdate,
  switchTrafficUpdate,
  type DecisionRequest,
} from '../../workflows/deployment/messages.js';
import type { DeploymentSnapshot } from '../../workflows/deployment/types.js';
import { FAST_LIMITS, STUB_ACTIVITIES } from './stub-worker.js';
import { startTimeSkippingDeployments, type TimeSkippingDeployments } from './time-skipping.js';

const HOUR = 3_600_000;
const WINDOW_FIGURES = { latencyMs: 20, p50Ms: 18, p95Ms: 30, errorRate: 0, samples: 5 };
/** The longest release's budget (the task's bound): ten steps, each watched, under 200 events. */
const LONG_RELEASE_HISTORY_BUDGET = 200;
const limits = { ...FAST_LIMITS, switchTimeoutMs: HOUR, totalMs: 4 * HOUR };
const governed: ApprovalPolicy = { ...DEFAULT_APPROVAL_POLICY, roles: ['approver', 'admin'], deployerMayApprove: false };

/** One workflow's scripted engine: the weights it reached, what was answered, and where it stalls or degrades. */
interface Engine {
  weight: number;
  continued: string[];
  rolledBack: number;
  /** awaitRelease for a weight above this never returns (the engine bakes) until cancelled. */
  stallAbove?: number;
  /** The watch reports a breach once the engine has reached this weight. */
  degradeAt?: number;
  /** The deployment message's rewrites by the steps' waits (the real reportingSteps), with when each was made. */
  slack: { view: SlackDeploymentView; at: number }[];
}

/** Waits `ms` while heartbeating, so the workflow's cancellation reaches the stub (as it reaches a real activity). */
async function heartbeatingSleep(ms: number, engine: Engine): Promise<void> {
  const context = Context.current();
  // An ended release's leftovers stop at once: a running activity holds the test server's clock.
  for (const until = Date.now() + ms; Date.now() < until && !ended(engine);) {
    context.heartbeat();
    await context.sleep(50);
  }
}

async function refusal(promise: Promise<unknown>): Promise<{ type: string | undefined | null; message: string }> {
  const error = await promise.then(
    () => {
      throw new Error('the update was accepted');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (error as WorkflowUpdateFailedError).cause as ApplicationFailure;
  return { type: cause.type, message: cause.message };
}

/** Rolled back, or all traffic on green: nothing the stubs wait for can happen any more. */
const ended = (engine: Engine) => engine.rolledBack > 0 || engine.weight === 100;

const plan = (strategy: ReleaseStrategy, engine: 'ECS' | 'CODE_DEPLOY' = 'ECS'): ReleasePlan => {
  const planned = planRelease(strategy, engine);
  if (!planned.ok) throw new Error(planned.message);
  return planned.plan;
};

describe('a progressive release, step by step (time-skipping test server, stub engine)', () => {
  let deployments: TimeSkippingDeployments;
  let env: TestWorkflowEnvironment;
  const engines = new Map<string, Engine>();
  const calls = new Map<string, string[]>();
  const idOf = () => Context.current().info.workflowExecution!.workflowId;
  const engineOf = () => engines.get(idOf())!;
  const record = (name: string) => calls.set(idOf(), [...(calls.get(idOf()) ?? []), name]);

  beforeAll(async () => {
    const tracked = Object.fromEntries(
      Object.entries(STUB_ACTIVITIES).map(([name, fn]) => [
        name,
        async (arg: never) => {
          record(name);
          return (fn as (a: never) => Promise<unknown>)(arg);
        },
      ]),
    );
    deployments = await startTimeSkippingDeployments('progressive-release', {
      ...tracked,
      startRelease: async () => {
        record('startRelease');
        return { releaseId: `arn:aws:ecs:test:1:service-deployment/c/s/${idOf()}` };
      },
      // The scripted engine's wait, wrapped as the worker wraps the real one: a step reached is told to Slack.
      awaitRelease: reportingSteps(
        async ({ until }: { until: 'gate' | 'done' | number }): Promise<ReleaseProgress> => {
          record('awaitRelease');
          const engine = engineOf();
          if (until === 'gate') return { weight: 0, status: 'POST_TEST_TRAFFIC_SHIFT', awaiting: 'ecs-pause-gate', done: false };
          const target = until === 'done' ? 100 : until;
          if (engine.stallAbove !== undefined && target > engine.stallAbove) {
            await heartbeatingSleep(HOUR, engine);
            throw new Error('stalled too long');
          }
          engine.weight = target;
          return { weight: target, status: 'PRODUCTION_TRAFFIC_SHIFT', done: target === 100 };
        },
        async ({ channel, ts, ...view }) => {
          expect({ channel, ts }).toEqual({ channel: 'CSTUB', ts: '1.0' });
          engineOf().slack.push({ view, at: Date.now() });
        },
      ),
      continueRelease: async ({ awaiting }: { awaiting: string }) => {
        record('continueRelease');
        engineOf().continued.push(awaiting);
      },
      rollBackRelease: async () => {
        record('rollBackRelease');
        engineOf().rolledBack += 1;
        return { status: 'ROLLBACK_SUCCESSFUL' };
      },
      watchGreen: async (): Promise<WatchVerdict> => {
        record('watchGreen');
        const context = Context.current();
        const engine = engineOf();
        const window = { at: new Date().toISOString(), blue: WINDOW_FIGURES, green: { ...WINDOW_FIGURES, p95Ms: 44 } };
        for (;;) {
          if (engine.degradeAt !== undefined && engine.weight >= engine.degradeAt) {
            return {
              breached: true,
              reason: `green error rate 100.0% > 10.0% for 3 window(s) in a row at ${engine.weight} %`,
              windows: [],
            };
          }
          if (ended(engine)) throw new Error('the release ended');
          // As the real watch does: the latest windows in the heartbeat, where a step's report reads them.
          context.heartbeat({ windows: [window], consecutive: 0 });
          await context.sleep(20);
        }
      },
    });
    env = deployments.env;
  }, 60_000);
  afterAll(() => deployments?.teardown());

  let n = 0;
  const start = (release: ReleasePlan, opts: { policy?: ApprovalPolicy; engine?: Partial<Engine> } = {}) => {
    const id = `dep-progressive-${++n}`;
    engines.set(id, { weight: 0, continued: [], rolledBack: 0, slack: [], ...opts.engine });
    return deployments.start(id, { limits, release, approvalPolicy: opts.policy ?? governed });
  };
  type Handle = Awaited<ReturnType<typeof start>>;
  const snap = (h: Handle) => h.query(deploymentSnapshotQuery);
  const waitFor = async (h: Handle, until: (s: DeploymentSnapshot) => boolean) => {
    let last: DeploymentSnapshot | undefined;
    await expect
      .poll(
        async () => {
          last = await snap(h);
          return until(last);
        },
        { timeout: 15_000, interval: 50 },
      )
      .toBe(true);
    return last!;
  };
  const approve = (h: Handle, request: DecisionRequest) => h.executeUpdate(switchTrafficUpdate, { args: [request] });
  const alice: DecisionRequest = { by: 'alice', via: 'api', role: 'approver' };
  const bob: DecisionRequest = { by: 'bob', via: 'api', role: 'approver' };
  const stepEvents = async (h: Handle) =>
    (await h.query(deploymentEventsQuery, 0)).events
      .filter((e) => e.details['milestone'] === 'step')
      .map((e) => ({ step: e.details['step'], weight: e.details['weight'] }));
  const historyLength = (h: Handle) => deployments.historyLength(h);
  const atGate = (h: Handle) => waitFor(h, (s) => s.status === 'DEPLOYMENT_READY' && s.currentStep === 0);
  const atStepPause = (h: Handle, step: number) => waitFor(h, (s) => s.status === 'DEPLOYMENT_READY' && s.currentStep === step);

  it('explicit steps with an approval at 10 %: the gate, then step 1 holds for an approver, then 50 % and 100 %', async () => {
    const h = await start(
      plan({ type: 'steps', steps: [{ weight: 10, pause: { approvals: 1 } }, { weight: 50, pause: { minutes: 10 } }, { weight: 100 }] }),
      { policy: { ...governed, watch: undefined } },
    );
    const gate = await atGate(h);
    expect(gate).toMatchObject({ strategy: 'steps', steps: [{ weight: 10 }, { weight: 50 }, { weight: 100 }], trafficWeight: 0 });
    await approve(h, alice);
    const paused = await atStepPause(h, 1);
    expect(paused).toMatchObject({ trafficWeight: 10, approvals: [], approvalsRequired: 1, finalService: null });
    // The step's pause counts afresh: alice's gate approval is not this step's.
    await approve(h, bob);
    const startedAt = await env.currentTimeMs();
    const result = await h.result();
    expect(result).toMatchObject({ status: 'COMPLETED', finalService: 'green', currentStep: 3, trafficWeight: 100 });
    expect(await stepEvents(h)).toEqual([
      { step: 1, weight: 10 },
      { step: 2, weight: 50 },
      { step: 3, weight: 100 },
    ]);
    // ECS pauses before each shift and Switchyard holds the 10 minutes itself (a timer).
    expect((await env.currentTimeMs()) - startedAt).toBeGreaterThanOrEqual(10 * 60_000);
    expect(engines.get(h.workflowId)!.continued).toEqual(['ecs-pause-gate']);
    expect(calls.get(h.workflowId)).not.toContain('rollBackRelease');
  });

  // Before the stalling tests: an activity still winding down holds the test server's clock.
  it('rolls back when nobody approves a step within the switch timeout (no silent promotion)', async () => {
    const h = await start(plan({ type: 'steps', steps: [{ weight: 25, pause: { approvals: 1 } }, { weight: 100 }] }), {
      policy: { ...governed, watch: undefined },
    });
    await atGate(h);
    await approve(h, alice);
    await atStepPause(h, 1);
    const result = await h.result();
    expect(result).toMatchObject({
      status: 'ROLLED_BACK',
      currentStep: 1,
      trafficWeight: 25,
      decision: { action: 'timeout', reason: 'no switch within 3600 s' },
    });
    expect(engines.get(h.workflowId)!.rolledBack).toBe(1);
  });

  it('refuses a step approval by a non-approver, by the deployer, twice by one person, and during a freeze (unless an admin overrides)', async () => {
    const h = await start(plan({ type: 'steps', steps: [{ weight: 10, pause: { approvals: 2 } }, { weight: 100 }] }), {
      policy: { ...governed, watch: undefined },
    });
    await atGate(h);
    await approve(h, alice);
    await atStepPause(h, 1);
    expect(await refusal(approve(h, { by: 'mallory', via: 'api', role: 'viewer' }))).toMatchObject({ type: 'NotApproved' });
    expect(await refusal(approve(h, { by: 'tester', via: 'api', role: 'approver' }))).toEqual({
      type: 'NotApproved',
      message: 'The deployer may not approve their own deployment',
    });
    const first = await approve(h, alice);
    expect(first).toMatchObject({ activeService: 'blue', approvalsRequired: 2 });
    expect((await refusal(approve(h, alice))).message).toMatch(/already approved/);
    const frozen = { id: 'frz-1', reason: 'peak sale', endsAt: '2030-01-01T00:00:00.000Z' };
    const refused = await refusal(approve(h, { ...bob, frozen }));
    expect(refused).toMatchObject({ type: 'Frozen', message: expect.stringContaining('frozen until 2030-01-01T00:00:00.000Z: peak sale') });
    expect(await snap(h)).toMatchObject({ status: 'DEPLOYMENT_READY', currentStep: 1, trafficWeight: 10 });
    const overridden = await approve(h, { by: 'root', via: 'api', role: 'admin', frozen, override: true });
    expect(overridden).toMatchObject({ activeService: 'green' });
    expect(await h.result()).toMatchObject({ status: 'COMPLETED', currentStep: 2 });
  });

  it("rolls back at step 2 when green degrades there (the watch's bad windows), through the engine", async () => {
    const h = await start(plan({ type: 'linear', stepPercent: 20, intervalMinutes: 5 }), {
      policy: { ...governed, watch: { intervalMs: 1000, maxErrorRate: 0.1, windows: 3, dryRun: false } },
      engine: { degradeAt: 40, stallAbove: 40 },
    });
    await atGate(h);
    await approve(h, alice);
    // Real time, not skipped: the watch and the engine's bake are running activities.
    await waitFor(h, (s) => s.status === 'ROLLED_BACK');
    const result = await h.result();
    expect(result).toMatchObject({
      status: 'ROLLED_BACK',
      finalService: 'blue',
      currentStep: 2,
      trafficWeight: 40,
      decision: { action: 'rollback', by: 'switchyard', via: 'workflow' },
    });
    expect(result.decision?.reason).toMatch(/^analysis: green error rate .* at 40 %$/);
    expect(await stepEvents(h)).toEqual([
      { step: 1, weight: 20 },
      { step: 2, weight: 40 },
    ]);
    expect(engines.get(h.workflowId)!.rolledBack).toBe(1);
  });

  it("takes a person's rollback between steps, and refuses a switch there (no pause to approve)", async () => {
    const h = await start(plan({ type: 'canary', percent: 10, bakeMinutes: 30 }), {
      policy: { ...governed, watch: undefined },
      engine: { stallAbove: 10 },
    });
    await atGate(h);
    await approve(h, alice);
    const baking = await waitFor(h, (s) => s.currentStep === 1 && s.status === 'SWITCHING');
    // The canary's bake runs: the state says until when (the result's and the console's bakeEndsAt).
    // (The wait reports it by the worker's clock; the test server's clock has skipped ahead.)
    expect(Date.parse(baking.bakeEndsAt!) - Date.now()).toBeGreaterThan(29 * 60_000);
    expect(engines.get(h.workflowId)!.slack.map((u) => [u.view.currentStep, u.view.trafficWeight, u.view.status])).toEqual([
      [1, 10, 'SWITCHING'],
    ]);
    expect(await refusal(approve(h, bob))).toEqual({
      type: 'NotReady',
      message: 'Traffic is shifting to green (step 1 of 2, 10 %): there is no pause to approve now',
    });
    await h.executeUpdate(rollbackUpdate, { args: [{ by: 'bob', via: 'api', role: 'approver', reason: 'checkout errors' }] });
    await waitFor(h, (s) => s.status === 'ROLLED_BACK');
    const result = await h.result();
    expect(result).toMatchObject({
      status: 'ROLLED_BACK',
      currentStep: 1,
      decision: { action: 'rollback', by: 'bob', reason: 'checkout errors' },
    });
    // Rolled back mid-bake: no bake is left to show.
    expect(result.bakeEndsAt).toBeUndefined();
    expect(engines.get(h.workflowId)!.rolledBack).toBe(1);
  });

  it('a ten-step linear release with a watched hold at every step completes under 200 history events', async () => {
    const h = await start(plan({ type: 'linear', stepPercent: 10, intervalMinutes: 10 }), {
      policy: { ...governed, watch: { intervalMs: 60_000, maxErrorRate: 0.1, windows: 3, dryRun: false } },
    });
    await atGate(h);
    await approve(h, alice);
    const result = await h.result();
    expect(result).toMatchObject({ status: 'COMPLETED', currentStep: 10, trafficWeight: 100 });
    expect((await stepEvents(h)).map((s) => s.weight)).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    // One watch for the whole walk, not one per step.
    expect(calls.get(h.workflowId)!.filter((c) => c === 'watchGreen')).toHaveLength(2);
    // Every step but the last (the end tells of it) rewrote the Slack message as it was reached:
    // step k, its weight, the bake's end ten minutes on, green against blue from the watch's heartbeat.
    const updates = engines.get(h.workflowId)!.slack;
    expect(updates.map((u) => [u.view.currentStep, u.view.trafficWeight])).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9].map((k) => [k, k * 10]));
    for (const { view, at } of updates) {
      expect(view).toMatchObject({ status: 'SWITCHING', green: { p95Ms: 44 }, blue: { p95Ms: 30 }, figuresAt: expect.any(String) });
      const left = Date.parse(view.bakeEndsAt!) - at;
      expect(left > 9 * 60_000 && left <= 10 * 60_000, `${left} ms`).toBe(true);
    }
    // The step events carry the same facts (SSE and the WebSocket send them as they are).
    const details = (await h.query(deploymentEventsQuery, 0)).events.filter((e) => e.details['milestone'] === 'step').map((e) => e.details);
    expect(details.slice(0, 9).map((d) => d['bakeEndsAt'])).toEqual(updates.map((u) => u.view.bakeEndsAt));
    for (const d of details.slice(0, 9))
      expect(d).toMatchObject({ green: { p95Ms: 44 }, blue: { p95Ms: 30 }, windowAt: expect.any(String) });
    expect(details[9]).not.toHaveProperty('bakeEndsAt');
    expect(result.bakeEndsAt).toBeUndefined();
    expect(await historyLength(h)).toBeLessThan(LONG_RELEASE_HISTORY_BUDGET);
  });

  it("a CodeDeploy blue/green plan keeps today's flow: no release activity runs", async () => {
    const h = await start(plan({ type: 'blueGreen' }, 'CODE_DEPLOY'), { policy: { ...governed, watch: undefined } });
    await waitFor(h, (s) => s.status === 'DEPLOYMENT_READY');
    await approve(h, alice);
    expect(await h.result()).toMatchObject({ status: 'COMPLETED', finalService: 'green' });
    expect(calls.get(h.workflowId)).toEqual(expect.arrayContaining(['startCodeDeploy', 'continueCodeDeploy']));
    expect(calls.get(h.workflowId)).not.toContain('startRelease');
  });
});
