// What one deployment must have done, exactly once, in the emulators: one build dispatched, one
// image built, one task definition revision, one CodeDeploy deployment (Succeeded, never
// stopped), one ContinueDeployment, one hook execution reported Succeeded once, one Lambda
// invocation; and its own end state, COMPLETED on green. Counters keyed by something the runs
// share (the family, the group) are compared with a baseline taken before the run.
import type { Sandbox } from '../emulators/sandbox.js';
import type { Json } from './api-client.js';
import type { Lane } from './stack.js';

export interface DeploymentBaseline {
  revisions: number;
  created: number;
  invocations: number;
}

export function deploymentBaseline(sandbox: Sandbox, lane: Lane): DeploymentBaseline {
  const { counters, lambda } = sandbox.aws.state;
  return {
    revisions: counters.taskDefinitionRevisions.get(lane.service),
    created: counters.deploymentsCreated.get(`${lane.codeDeployApplication}/${lane.codeDeployGroup}`),
    invocations: lambda.invocations.get(sandbox.target.hookFunction ?? '') ?? 0,
  };
}

/** Everything that is not as it must be, in words; empty when the run is whole. */
/**
 * `alone`: no other deployment ran meanwhile, so the hook function's invocation count is this
 * run's alone (side by side runs check the batch's total instead).
 */
export function deploymentLosses(
  sandbox: Sandbox,
  lane: Lane,
  before: DeploymentBaseline,
  id: string,
  result: Json | undefined,
  alone = true,
): string[] {
  const losses: string[] = [];
  const expect = (what: string, actual: unknown, wanted: unknown) => {
    if (actual !== wanted) losses.push(`${what}: ${JSON.stringify(actual)}, expected ${JSON.stringify(wanted)}`);
  };
  const after = deploymentBaseline(sandbox, lane);
  const { counters, codedeploy } = sandbox.aws.state;
  expect('status', result?.status, 'COMPLETED');
  expect('finalService', result?.finalService, 'green');
  expect('builds dispatched', sandbox.github.state.dispatchCount(id), 1);
  expect('images built', sandbox.github.state.imagesBuiltCount(id), 1);
  expect('task definition revisions', after.revisions - before.revisions, 1);
  expect('CodeDeploy deployments created', after.created - before.created, 1);
  if (alone) expect('hook Lambda invocations', after.invocations - before.invocations, 1);
  const codeDeployId = result?.codeDeployDeploymentId as string | undefined;
  if (!codeDeployId) return [...losses, 'no CodeDeploy deployment id in the result'];
  expect('ContinueDeployment calls', counters.continueDeploymentCalls.get(codeDeployId), 1);
  expect('StopDeployment calls', counters.stopDeploymentCalls.get(codeDeployId), 0);
  expect('CodeDeploy deployment status', codedeploy.deployments.get(codeDeployId)?.status, 'Succeeded');
  const hooks = [...codedeploy.runner.hookExecutions.values()].filter((h) => h.deploymentId === codeDeployId);
  expect('hook executions', hooks.length, 1);
  for (const hook of hooks) {
    expect('hook execution status', hook.status, 'Succeeded');
    // The status is set once; a report repeated after a lost answer is refused by CodeDeploy
    // (LifecycleEventAlreadyCompletedException) and changes nothing, so only the accepted one counts.
    expect('hook status reports accepted', counters.hookStatusAccepted.get(hook.id), 1);
  }
  return losses;
}
