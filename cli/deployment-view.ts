// A deployment's live display, from its event stream: one line per event, and a status line with
// the stage, a progress bar for the build (its five reported steps) and, when the events carry
// them, green's traffic weight and the rollout step. Pure: the follower feeds it events.
import { progressBar } from './output.js';

export const STAGES = 5;
/** The build's reported steps (clone, cloned, Dockerfile found, building, built: stage-messages.ts). */
const BUILD_STEPS = 5;

export interface StreamEvent {
  type: string;
  message: string;
  details: Record<string, unknown>;
  at?: string;
}

const num = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

/** Green's traffic weight (0–100) from an event: `trafficWeight`, or the GREEN task set's. */
export function trafficWeightOf(details: Record<string, unknown>): number | undefined {
  const direct = num(details['trafficWeight']) ?? num(details['weight']);
  if (direct !== undefined) return direct;
  const taskSets = Array.isArray(details['taskSets']) ? (details['taskSets'] as Record<string, unknown>[]) : [];
  const green = taskSets.find((t) => String(t['label'] ?? '').toUpperCase() === 'GREEN');
  return green ? num(green['trafficWeight']) : undefined;
}

/** The rollout step `n/m`, when an event names one. */
export function stepOf(details: Record<string, unknown>): { step: number; of?: number } | undefined {
  const step = num(details['step']);
  if (step === undefined) return undefined;
  const of = num(details['steps']) ?? num(details['totalSteps']) ?? num(details['stepCount']);
  return of === undefined ? { step } : { step, of };
}

export class DeploymentView {
  stage = 0;
  buildSteps = 0;
  trafficWeight: number | undefined;
  step: { step: number; of?: number } | undefined;
  awaitingDecision = false;

  /** Takes one event; returns the line to print for it. */
  take(event: StreamEvent): string {
    const stage = num(event.details['stage']);
    if (stage !== undefined) this.stage = stage;
    if (event.type === 'stage' && stage === 1) this.buildSteps = Math.min(BUILD_STEPS, this.buildSteps + 1);
    if (stage !== undefined && stage > 1) this.buildSteps = BUILD_STEPS;
    this.trafficWeight = trafficWeightOf(event.details) ?? this.trafficWeight;
    this.step = stepOf(event.details) ?? this.step;
    if (event.details['milestone'] === 'awaiting_decision') this.awaitingDecision = true;
    if (stage === 5 || event.type === 'success' || event.type === 'fail') this.awaitingDecision = false;
    const time = event.at ? event.at.slice(11, 19) : '';
    const where = this.stage > 0 ? `stage ${this.stage}/${STAGES}` : '';
    return [time, where.padEnd(9), event.type === 'stage' ? event.message : `${event.type}: ${event.message}`].filter(Boolean).join('  ');
  }

  /** `stage 1/5 build [##########..........]  50%` and, when known, traffic and step. */
  statusLine(): string {
    const parts = [`stage ${this.stage}/${STAGES}`, `build ${progressBar(this.buildSteps / BUILD_STEPS)}`];
    if (this.trafficWeight !== undefined) parts.push(`green traffic ${progressBar(this.trafficWeight / 100)}`);
    if (this.step) parts.push(`step ${this.step.step}${this.step.of ? `/${this.step.of}` : ''}`);
    if (this.awaitingDecision) parts.push('waiting for approval');
    return parts.join('  ');
  }
}
