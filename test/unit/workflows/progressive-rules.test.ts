// The pure rules of a progressive release: when an engine wait ends, which runs walk a plan, and
// what a switch or a rollback means between steps (the gate's decision module, shared with the API).
import { describe, expect, it } from 'vitest';
import { reached } from '../../../activities/deployment/release.js';
import { ecsDeploymentConfiguration } from '../../../activities/deployment/release-ecs.js';
import { planRelease, type ReleasePlan } from '../../../domain/release-strategy.js';
import { rollbackPlan, switchRefusal, type GateView } from '../../../workflows/deployment/decisions.js';
import { heldBySwitchyard, progressivePlan } from '../../../workflows/deployment/progressive.js';

const plan = (...args: Parameters<typeof planRelease>): ReleasePlan => {
  const planned = planRelease(...args);
  if (!planned.ok) throw new Error(planned.message);
  return planned.plan;
};

describe('awaitRelease ends when', () => {
  it('the weight is reached, a pause awaits Switchyard, or the deployment is done; never before', () => {
    expect(reached({ weight: 20, status: 'PRODUCTION_TRAFFIC_SHIFT', done: false }, 30)).toBe(false);
    expect(reached({ weight: 30, status: 'PRODUCTION_TRAFFIC_SHIFT', done: false }, 30)).toBe(true);
    expect(reached({ weight: 20, status: 'PRE_PRODUCTION_TRAFFIC_SHIFT', awaiting: 'ecs-pause-1', done: false }, 30)).toBe(true);
    expect(reached({ weight: 0, status: 'SCALE_UP', done: false }, 'gate')).toBe(false);
    expect(reached({ weight: 0, status: 'Ready', awaiting: 'Ready', done: false }, 'gate')).toBe(true);
    expect(reached({ weight: 100, status: 'BAKE_TIME', done: false }, 'done')).toBe(false);
    expect(reached({ weight: 100, status: 'SUCCESSFUL', done: true }, 'done')).toBe(true);
  });
});

describe('which runs walk a plan', () => {
  it("CodeDeploy blue/green and rollbacks keep today's flow; everything else walks", () => {
    expect(progressivePlan({})).toBeUndefined();
    expect(progressivePlan({ release: plan({ type: 'blueGreen' }, 'CODE_DEPLOY') })).toBeUndefined();
    expect(
      progressivePlan({
        release: plan({ type: 'canary', percent: 10, bakeMinutes: 5 }, 'ECS'),
        rollback: { of: 'dep_x', taskDefinitionArn: 'arn:td' },
      }),
    ).toBeUndefined();
    expect(progressivePlan({ release: plan({ type: 'blueGreen' }, 'ECS') })?.engine).toBe('ECS');
    expect(progressivePlan({ release: plan({ type: 'linear', stepPercent: 10, intervalMinutes: 1 }, 'CODE_DEPLOY') })?.strategy).toBe(
      'linear',
    );
  });

  it('Switchyard holds the steps itself only when ECS pauses before every shift', () => {
    expect(heldBySwitchyard(plan({ type: 'steps', steps: [{ weight: 10, pause: { approvals: 1 } }, { weight: 100 }] }, 'ECS'))).toBe(true);
    expect(heldBySwitchyard(plan({ type: 'canary', percent: 10, bakeMinutes: 5 }, 'ECS'))).toBe(false);
    expect(heldBySwitchyard(plan({ type: 'canary', percent: 10, bakeMinutes: 5 }, 'CODE_DEPLOY'))).toBe(false);
  });
});

describe('ECS deploymentConfiguration from a plan', () => {
  it('carries the strategy, its settings and PAUSE hooks that roll back when unanswered', () => {
    const config = ecsDeploymentConfiguration(plan({ type: 'canary', percent: 10, bakeMinutes: 5 }, 'ECS').engineConfig as never);
    expect(config).toEqual({
      strategy: 'CANARY',
      canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 5 },
      lifecycleHooks: [
        {
          targetType: 'PAUSE',
          lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'],
          timeoutConfiguration: { timeoutInMinutes: 1440, action: 'ROLLBACK' },
        },
      ],
    });
  });
});

describe('decisions between steps', () => {
  const walking: GateView = {
    deploymentId: 'dep_1',
    status: 'SWITCHING',
    stage: 5,
    finalService: null,
    steps: [{ weight: 10 }, { weight: 100 }],
    currentStep: 1,
    trafficWeight: 10,
  };
  it('refuses a switch (no pause to approve) but takes a rollback', () => {
    expect(switchRefusal(walking)).toBe('Traffic is shifting to green (step 1 of 2, 10 %): there is no pause to approve now');
    expect(rollbackPlan(walking)).toEqual({ kind: 'stop' });
  });
  it("leaves today's blue/green switch as it was: switching is already switched, and not rollbackable", () => {
    const today: GateView = { deploymentId: 'dep_1', status: 'SWITCHING', stage: 5, finalService: null };
    expect(switchRefusal(today)).toBe('Traffic has already been switched to green');
    expect(rollbackPlan(today)).toEqual({ kind: 'refused', message: 'Deployment dep_1 cannot be rolled back in status SWITCHING' });
  });
});
