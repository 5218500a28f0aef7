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
