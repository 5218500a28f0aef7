// One piece of a progressive release's walk (an engine wait, a bake), cut short when the watch
// breaches or a person rolls back: whichever comes first decides.
import { CancellationScope, condition } from '@temporalio/workflow';
import type { DeploymentContext } from '../context.js';
import type { Decision } from '../types.js';

/** The rollback that stops the walk: a person's (update) or the watch's (breach); undefined while none. */
export function stopDecision(ctx: DeploymentContext): Decision | undefined {
  if (ctx.rollbackRequested) return ctx.rollbackRequested;
  return ctx.decision && ctx.decision.action !== 'switch' ? ctx.decision : undefined;
}

export async function watched<T>(ctx: DeploymentContext, fn: () => Promise<T>): Promise<{ value: T } | { stop: Decision }> {
  let outcome: { value: T } | { error: unknown } | undefined;
  const scope = new CancellationScope();
  scope.run(fn).then(
    (value) => {
      outcome = { value };
    },
    (error: unknown) => {
      outcome ??= { error };
    },
  );
  await condition(() => outcome !== undefined || stopDecision(ctx) !== undefined);
  const stop = stopDecision(ctx);
  if (stop) {
    scope.cancel();
    return { stop };
  }
  if (outcome && 'error' in outcome) throw outcome.error;
  return outcome as { value: T };
}
