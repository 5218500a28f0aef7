import { describe, expect, it } from 'vitest';
import { ReleaseStrategySchema, continueLabel, planRelease, stepsOf, type ReleaseStrategy } from '../../domain/release-strategy.js';

const plan = (strategy: ReleaseStrategy, engine: 'CODE_DEPLOY' | 'ECS') => {
  const result = planRelease(strategy, engine);
  if (!result.ok) throw new Error(`refused: ${result.rule}`);
  return result.plan;
};

describe('release strategies', () => {
  it('walks blue/green as one shift to 100 on the group’s own configuration', () => {
    const p = plan({ type: 'blueGreen' }, 'CODE_DEPLOY');
    expect(p.steps).toEqual([{ weight: 100 }]);
    expect(p.engineConfig).toEqual({ kind: 'codeDeploy' });
    expect(plan({ type: 'blueGreen' }, 'ECS').engineConfig).toEqual({
      kind: 'ecs',
      strategy: 'BLUE_GREEN',
      pauseStages: ['POST_TEST_TRAFFIC_SHIFT'],
    });
  });

  it('uses CodeDeploy’s predefined configurations and names a custom one otherwise', () => {
    expect(plan({ type: 'canary', percent: 10, bakeMinutes: 5 }, 'CODE_DEPLOY').engineConfig).toEqual({
      kind: 'codeDeploy',
      deploymentConfigName: 'CodeDeployDefault.ECSCanary10Percent5Minutes',
    });
    expect(plan({ type: 'linear', stepPercent: 10, intervalMinutes: 1 }, 'CODE_DEPLOY').engineConfig).toEqual({
      kind: 'codeDeploy',
      deploymentConfigName: 'CodeDeployDefault.ECSLinear10PercentEvery1Minutes',
    });
    expect(plan({ type: 'canary', percent: 25, bakeMinutes: 7 }, 'CODE_DEPLOY').engineConfig).toEqual({
      kind: 'codeDeploy',
      deploymentConfigName: 'Switchyard.ECSCanary25Percent7Minutes',
      create: { type: 'TimeBasedCanary', percentage: 25, intervalMinutes: 7 },
    });
  });

  it('spells a linear release out step by step, ending at 100', () => {
    const steps = stepsOf({ type: 'linear', stepPercent: 30, intervalMinutes: 2 });
    expect(steps.map((s) => s.weight)).toEqual([30, 60, 90, 100]);
    expect(steps.at(-1)?.pause).toBeUndefined();
    expect(stepsOf({ type: 'linear', stepPercent: 10, intervalMinutes: 1 })).toHaveLength(10);
  });

  it('refuses approval steps on CodeDeploy, with the rule', () => {
    const result = planRelease({ type: 'steps', steps: [{ weight: 10, pause: { approvals: 1 } }, { weight: 100 }] }, 'CODE_DEPLOY');
    expect(result).toMatchObject({ ok: false, rule: 'codedeploy-no-approval-steps' });
    const uneven = planRelease(
      { type: 'steps', steps: [{ weight: 10, pause: { minutes: 5 } }, { weight: 50, pause: { minutes: 5 } }, { weight: 100 }] },
      'CODE_DEPLOY',
    );
    expect(uneven).toMatchObject({ ok: false, rule: 'codedeploy-steps-shape' });
  });

  it('reads timed explicit steps as CodeDeploy canary or linear', () => {
    expect(
      plan({ type: 'steps', steps: [{ weight: 20, pause: { minutes: 3 } }, { weight: 100 }] }, 'CODE_DEPLOY').engineConfig,
    ).toMatchObject({ create: { type: 'TimeBasedCanary', percentage: 20, intervalMinutes: 3 } });
    expect(
      plan(
        {
          type: 'steps',
          steps: [
            { weight: 25, pause: { minutes: 2 } },
            { weight: 50, pause: { minutes: 2 } },
            { weight: 75, pause: { minutes: 2 } },
            { weight: 100 },
          ],
        },
        'CODE_DEPLOY',
      ).engineConfig,
    ).toMatchObject({ create: { type: 'TimeBasedLinear', percentage: 25, intervalMinutes: 2 } });
  });

  it('runs explicit steps on ECS as linear steps it pauses before each shift', () => {
    const p = plan(
      { type: 'steps', steps: [{ weight: 10, pause: { approvals: 1 } }, { weight: 50, pause: { minutes: 10 } }, { weight: 100 }] },
      'ECS',
    );
    expect(p.engineConfig).toEqual({
      kind: 'ecs',
      strategy: 'LINEAR',
      linear: { stepPercent: 10, stepBakeTimeInMinutes: 0 },
      pauseStages: ['POST_TEST_TRAFFIC_SHIFT', 'PRE_PRODUCTION_TRAFFIC_SHIFT'],
    });
    expect(continueLabel(p, 0)).toBe('Continue to 10 %');
    expect(continueLabel(p, 1)).toBe('Continue to 50 %');
    const tooFine = planRelease({ type: 'steps', steps: [{ weight: 1, pause: { minutes: 1 } }, { weight: 50 }, { weight: 100 }] }, 'ECS');
    expect(tooFine).toMatchObject({ ok: false, rule: 'ecs-linear-step-too-small' });
  });

  it('refuses steps that go down or stop short of 100', () => {
    expect(ReleaseStrategySchema.safeParse({ type: 'steps', steps: [{ weight: 50 }, { weight: 20 }, { weight: 100 }] }).success).toBe(
      false,
    );
    expect(ReleaseStrategySchema.safeParse({ type: 'steps', steps: [{ weight: 50 }] }).success).toBe(false);
    expect(ReleaseStrategySchema.safeParse({ type: 'canary', percent: 10, bakeMinutes: 5, extra: 1 }).success).toBe(false);
  });
});
