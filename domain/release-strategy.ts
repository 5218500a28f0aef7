// How a release moves production traffic to green, and which AWS engine can do it. Pure rules,
// shared by the API (admission: refuse what the service's engine cannot do, before any build) and
// the workflow (the steps it walks). Every release first waits at the gate with green on test
// traffic only: no production traffic reaches new code before the approval policy is met. The
// strategy says what happens after that first approval.
import { z } from 'zod';

/** The service's own deployment controller decides the engine (ECS `deploymentController.type`). */
export const RELEASE_ENGINES = ['CODE_DEPLOY', 'ECS'] as const;
export type ReleaseEngine = (typeof RELEASE_ENGINES)[number];

const minutes = z.number().int().min(1).max(1440);
export const StepPauseSchema = z.union([z.object({ approvals: z.number().int().min(1).max(10) }).strict(), z.object({ minutes }).strict()]);
export const ReleaseStepSchema = z.object({ weight: z.number().int().min(1).max(100), pause: StepPauseSchema.optional() }).strict();

export const ReleaseStrategySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('blueGreen') }).strict(),
  z.object({ type: z.literal('canary'), percent: z.number().int().min(1).max(99), bakeMinutes: minutes }).strict(),
  z.object({ type: z.literal('linear'), stepPercent: z.number().int().min(3).max(99), intervalMinutes: minutes }).strict(),
  z
    .object({ type: z.literal('steps'), steps: z.array(ReleaseStepSchema).min(1).max(20) })
    .strict()
    .refine(({ steps }) => steps.every((s, i) => i === 0 || s.weight > steps[i - 1]!.weight), { message: 'step weights must increase' })
    .refine(({ steps }) => steps.at(-1)?.weight === 100, { message: 'the last step must reach weight 100' }),
]);

export type StepPause = z.infer<typeof StepPauseSchema>;
export type ReleaseStep = z.infer<typeof ReleaseStepSchema>;
export type ReleaseStrategy = z.infer<typeof ReleaseStrategySchema>;
export type ReleaseStrategyType = ReleaseStrategy['type'];

export const DEFAULT_RELEASE_STRATEGY: ReleaseStrategy = { type: 'blueGreen' };

/** How CodeDeploy is told: a deployment configuration, created first when it is not predefined. */
export interface CodeDeployEngineConfig {
  kind: 'codeDeploy';
  /** Absent: the deployment group's own configuration (today's blue/green, all at once). */
  deploymentConfigName?: string;
  create?: { type: 'TimeBasedCanary' | 'TimeBasedLinear'; percentage: number; intervalMinutes: number };
}

/** How ECS is told: `deploymentConfiguration.strategy`, its settings, and where Switchyard pauses it. */
export interface EcsEngineConfig {
  kind: 'ecs';
  strategy: 'BLUE_GREEN' | 'CANARY' | 'LINEAR';
  canary?: { canaryPercent: number; canaryBakeTimeInMinutes: number };
  linear?: { stepPercent: number; stepBakeTimeInMinutes: number };
  /** PAUSE hooks: the gate after test traffic, and before each production shift when steps pause. */
  pauseStages: Array<'POST_TEST_TRAFFIC_SHIFT' | 'PRE_PRODUCTION_TRAFFIC_SHIFT'>;
}

export interface ReleasePlan {
  strategy: ReleaseStrategyType;
  engine: ReleaseEngine;
  /** Production weights after the gate, in order, ending at 100; a pause holds after its shift. */
  steps: ReleaseStep[];
  engineConfig: CodeDeployEngineConfig | EcsEngineConfig;
}

export type PlanResult = { ok: true; plan: ReleasePlan } | { ok: false; rule: string; message: string };

/** The traffic steps a strategy walks after the gate. */
export function stepsOf(strategy: ReleaseStrategy): ReleaseStep[] {
  switch (strategy.type) {
    case 'blueGreen':
      return [{ weight: 100 }];
    case 'canary':
      return [{ weight: strategy.percent, pause: { minutes: strategy.bakeMinutes } }, { weight: 100 }];
    case 'linear': {
      const steps: ReleaseStep[] = [];
      for (let w = strategy.stepPercent; w < 100; w += strategy.stepPercent)
        steps.push({ weight: w, pause: { minutes: strategy.intervalMinutes } });
      return [...steps, { weight: 100 }];
    }
    case 'steps':
      return strategy.steps;
  }
}

const PREDEFINED_CODEDEPLOY: Record<string, string> = {
  'TimeBasedCanary:10:5': 'CodeDeployDefault.ECSCanary10Percent5Minutes',
  'TimeBasedCanary:10:15': 'CodeDeployDefault.ECSCanary10Percent15Minutes',
  'TimeBasedLinear:10:1': 'CodeDeployDefault.ECSLinear10PercentEvery1Minutes',
  'TimeBasedLinear:10:3': 'CodeDeployDefault.ECSLinear10PercentEvery3Minutes',
};

function codeDeployConfig(
  type: 'TimeBasedCanary' | 'TimeBasedLinear',
  percentage: number,
  intervalMinutes: number,
): CodeDeployEngineConfig {
  const predefined = PREDEFINED_CODEDEPLOY[`${type}:${percentage}:${intervalMinutes}`];
  if (predefined) return { kind: 'codeDeploy', deploymentConfigName: predefined };
  const name =
    type === 'TimeBasedCanary'
      ? `Switchyard.ECSCanary${percentage}Percent${intervalMinutes}Minutes`
      : `Switchyard.ECSLinear${percentage}PercentEvery${intervalMinutes}Minutes`;
  return { kind: 'codeDeploy', deploymentConfigName: name, create: { type, percentage, intervalMinutes } };
}

/** Explicit steps read as a canary (one timed step, then 100) or a linear release (equal steps, equal times). */
function asTimedShape(
  steps: ReleaseStep[],
): { type: 'TimeBasedCanary' | 'TimeBasedLinear'; percentage: number; intervalMinutes: number } | undefined {
  const timed = steps.slice(0, -1);
  if (timed.length === 0 || !timed.every((s) => s.pause && 'minutes' in s.pause)) return undefined;
  const mins = timed.map((s) => (s.pause as { minutes: number }).minutes);
  if (new Set(mins).size !== 1) return undefined;
  if (timed.length === 1) return { type: 'TimeBasedCanary', percentage: timed[0]!.weight, intervalMinutes: mins[0]! };
  const step = timed[0]!.weight;
  const equal = timed.every((s, i) => s.weight === step * (i + 1)) && 100 - timed.at(-1)!.weight <= step;
  return equal ? { type: 'TimeBasedLinear', percentage: step, intervalMinutes: mins[0]! } : undefined;
}

function planCodeDeploy(strategy: ReleaseStrategy, steps: ReleaseStep[]): PlanResult {
  const plan = (engineConfig: CodeDeployEngineConfig): PlanResult => ({
    ok: true,
    plan: { strategy: strategy.type, engine: 'CODE_DEPLOY', steps, engineConfig },
  });
  switch (strategy.type) {
    case 'blueGreen':
      return plan({ kind: 'codeDeploy' });
    case 'canary':
      return plan(codeDeployConfig('TimeBasedCanary', strategy.percent, strategy.bakeMinutes));
    case 'linear':
      return plan(codeDeployConfig('TimeBasedLinear', strategy.stepPercent, strategy.intervalMinutes));
    case 'steps': {
      if (steps.some((s) => s.pause && 'approvals' in s.pause)) {
        return {
          ok: false,
          rule: 'codedeploy-no-approval-steps',
          message:
            'CodeDeploy shifts traffic on a timer and cannot pause for an approval between steps: use an ECS-native service (deploymentController ECS), or a canary or linear strategy',
        };
      }
      if (steps.length === 1) return plan({ kind: 'codeDeploy' });
      const shape = asTimedShape(steps);
      if (!shape) {
        return {
          ok: false,
          rule: 'codedeploy-steps-shape',
          message:
            'CodeDeploy can only run these steps as a canary (one timed step, then 100) or a linear release (equal steps at equal intervals)',
        };
      }
      return plan(codeDeployConfig(shape.type, shape.percentage, shape.intervalMinutes));
    }
  }
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

function planEcs(strategy: ReleaseStrategy, steps: ReleaseStep[]): PlanResult {
  const plan = (engineConfig: EcsEngineConfig): PlanResult => ({
    ok: true,
    plan: { strategy: strategy.type, engine: 'ECS', steps, engineConfig },
  });
  const gate = 'POST_TEST_TRAFFIC_SHIFT' as const;
  switch (strategy.type) {
    case 'blueGreen':
      return plan({ kind: 'ecs', strategy: 'BLUE_GREEN', pauseStages: [gate] });
    case 'canary':
      return plan({
        kind: 'ecs',
        strategy: 'CANARY',
        canary: { canaryPercent: strategy.percent, canaryBakeTimeInMinutes: strategy.bakeMinutes },
        pauseStages: [gate],
      });
    case 'linear':
      return plan({
        kind: 'ecs',
        strategy: 'LINEAR',
        linear: { stepPercent: strategy.stepPercent, stepBakeTimeInMinutes: strategy.intervalMinutes },
        pauseStages: [gate],
      });
    case 'steps': {
      if (steps.length === 1) return plan({ kind: 'ecs', strategy: 'BLUE_GREEN', pauseStages: [gate] });
      // Switchyard holds each step itself: ECS pauses before every shift and bakes nothing on its own.
      const pauseStages = [gate, 'PRE_PRODUCTION_TRAFFIC_SHIFT' as const];
      if (steps.length === 2)
        return plan({
          kind: 'ecs',
          strategy: 'CANARY',
          canary: { canaryPercent: steps[0]!.weight, canaryBakeTimeInMinutes: 0 },
          pauseStages,
        });
      const increments = steps.map((s, i) => s.weight - (i === 0 ? 0 : steps[i - 1]!.weight));
      const stepPercent = increments.reduce(gcd);
      if (stepPercent < 3) {
        return {
          ok: false,
          rule: 'ecs-linear-step-too-small',
          message: `ECS moves linear traffic in equal steps of at least 3 %; these weights need steps of ${stepPercent} %`,
        };
      }
      return plan({ kind: 'ecs', strategy: 'LINEAR', linear: { stepPercent, stepBakeTimeInMinutes: 0 }, pauseStages });
    }
  }
}

/** The plan for a strategy on an engine, or the rule that refuses it (a 400 at admission). */
export function planRelease(strategy: ReleaseStrategy, engine: ReleaseEngine): PlanResult {
  const steps = stepsOf(strategy);
  return engine === 'ECS' ? planEcs(strategy, steps) : planCodeDeploy(strategy, steps);
}

/** The step label people see on a decision button: "Continue to 50 %", or the switch. */
export function continueLabel(plan: Pick<ReleasePlan, 'steps'>, currentStep: number): string {
  const next = plan.steps[currentStep];
  return next ? `Continue to ${next.weight} %` : 'Complete';
}
