// Green against blue in the deployment message: at the gate (with how long green has been on test
// traffic), and at each step of a progressive release (with the step, the weight and the bake).
import type { DeploymentSnapshot, HealthFigures } from '../../domain/deployment.js';
import { progressText } from '../../domain/release-progress.js';

type Figures = Partial<Pick<DeploymentSnapshot, 'blue' | 'green' | 'testTrafficSince'>>;
type StepView = Figures &
  Partial<Pick<DeploymentSnapshot, 'steps' | 'currentStep' | 'trafficWeight' | 'bakeEndsAt'>> &
  Pick<DeploymentSnapshot, 'status'> & { figuresAt?: string };

function figuresText(name: string, f: HealthFigures | undefined): string {
  if (!f) return `*${name}:* not probed`;
  const latency = f.p50Ms !== undefined ? `p50 ${f.p50Ms} ms · p95 ${f.p95Ms ?? f.p50Ms} ms` : `${f.latencyMs} ms`;
  return `*${name}:* ${latency} · errors ${(f.errorRate * 100).toFixed(1)}% · ${f.samples} samples`;
}

/** Green against blue, and how long green has been on test traffic: the evidence at the gate. */
export function evidenceText(view: Figures, now: number): string | undefined {
  if (!view.blue && !view.green) return undefined;
  const since = view.testTrafficSince ? Math.max(0, Math.round((now - Date.parse(view.testTrafficSince)) / 1000)) : undefined;
  const onTest =
    since === undefined ? '' : `\n:stopwatch: Green on test traffic for ${since < 120 ? `${since} s` : `${Math.round(since / 60)} min`}`;
  return `${figuresText('Green', view.green)}\n${figuresText('Blue', view.blue)}${onTest}`;
}

/**
 * "Release: Step 1 of 3 · 10 % on green · bake until 12:19 UTC (10 min left) · next 50 %"; while
 * traffic shifts between pauses, green against blue from the watch's latest window besides (a
 * pause shows them above its buttons). Undefined for a one-step release.
 */
export function releaseText(view: StepView, now: number): string | undefined {
  const progress = progressText(view, now);
  if (!progress) return undefined;
  const figures = view.status === 'SWITCHING' ? evidenceText({ blue: view.blue, green: view.green }, now) : undefined;
  const measured = figures && view.figuresAt ? ` _(watch window ${view.figuresAt.slice(11, 19)} UTC)_` : '';
  return `:bar_chart: *Release:* ${progress}${figures ? `\n${figures}${measured}` : ''}`;
}
