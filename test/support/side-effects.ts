// What has reached production's side of the emulators: builds dispatched, task definitions
// registered, CodeDeploy deployments created. A hostile test takes these before and after an
// attempt and expects no change.
import type { Sandbox } from '../../emulators/sandbox.js';

export interface SideEffects {
  builds: number;
  taskDefinitions: number;
  codeDeployDeployments: number;
}

export function sideEffects(sandbox: Sandbox): SideEffects {
  const { ecs, codedeploy } = sandbox.aws.state;
  return {
    builds: sandbox.github.state.runs.length,
    taskDefinitions: [...ecs.taskDefinitions.values()].reduce((n, revisions) => n + revisions.length, 0),
    codeDeployDeployments: codedeploy.deployments.size,
  };
}

/**
 * Waits until nothing new reaches the emulators for `quietMs`: an activity a terminated workflow
 * had already started (a build dispatch, say) may still land, and must not count against the next
 * attempt a test measures.
 */
export async function untilQuiet(sandbox: Sandbox, quietMs = 1500, timeoutMs = 30_000): Promise<SideEffects> {
  const deadline = Date.now() + timeoutMs;
  let last = JSON.stringify(sideEffects(sandbox));
  let since = Date.now();
  while (Date.now() - since < quietMs) {
    if (Date.now() > deadline) throw new Error(`the emulators did not settle within ${timeoutMs} ms: ${last}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const now = JSON.stringify(sideEffects(sandbox));
    if (now !== last) [last, since] = [now, Date.now()];
  }
  return sideEffects(sandbox);
}
