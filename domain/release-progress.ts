// How far a progressive release has gone, in words: "Step 1 of 3 · 10 % on green · bake until
// 12:19 UTC (4 min left) · next 50 %". One wording for Slack's message, /platform-status and the
// tests; blue/green (one step) has no progress to tell. The bake's end is absolute because a posted
// Slack message does not tick: the minutes left are as of the post.
import type { ReleaseStep } from './release-strategy.js';

export interface ReleaseProgress {
  steps?: ReleaseStep[] | undefined;
  currentStep?: number | undefined;
  trafficWeight?: number | undefined;
  bakeEndsAt?: string | undefined;
}

/** True when the release walks more than one step (canary, linear, explicit steps). */
export function isStepped(progress: ReleaseProgress): progress is ReleaseProgress & { steps: ReleaseStep[] } {
  return (progress.steps?.length ?? 0) > 1;
}

function duration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  return seconds < 120 ? `${seconds} s` : `${Math.round(seconds / 60)} min`;
}

export function progressText(progress: ReleaseProgress, now: number): string | undefined {
  if (!isStepped(progress)) return undefined;
  const done = Math.min(progress.currentStep ?? 0, progress.steps.length);
  const parts = [`Step ${done} of ${progress.steps.length}`, `${progress.trafficWeight ?? 0} % on green`];
  const bakeLeft = progress.bakeEndsAt ? Date.parse(progress.bakeEndsAt) - now : Number.NaN;
  if (bakeLeft > 0) parts.push(`bake until ${progress.bakeEndsAt!.slice(11, 16)} UTC (${duration(bakeLeft)} left)`);
  const next = progress.steps[done];
  if (next) parts.push(`next ${next.weight} %`);
  return parts.join(' · ');
}
