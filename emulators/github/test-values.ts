// Sandbox test values, like a payment sandbox's test card numbers: what a person (or a test)
// types to make a simulated build fail or take long, without any hidden switch.
import type { WorkflowRun } from './workflow-run.js';

/** Dispatching the build on this branch (or tag) makes the simulated build fail: no image. */
export const FAIL_BUILD_REF = 'fail-build';
/** An `image_tag` input containing this makes the build take SLOW_BUILD_STEPS steps. */
export const SLOW_BUILD_MARKER = 'slow-build';

/**
 * An `image_tag` containing this (a deployment of the branch of that name): right after the
 * build's push, another push of other content to the same tag follows, as if someone re-pushed it.
 */
export const RETAG_AFTER_PUSH_MARKER = 'retag-after-push';

/** Steps from dispatch to completion: one queued, the rest in progress. */
export const NORMAL_BUILD_STEPS = 3;
export const SLOW_BUILD_STEPS = 20;

export function buildSteps(inputs: Record<string, string>): number {
  return (inputs.image_tag ?? '').includes(SLOW_BUILD_MARKER) ? SLOW_BUILD_STEPS : NORMAL_BUILD_STEPS;
}

/** What the template's checkout step checks out: the `sha` input when given, else the dispatched ref's head. */
export function checkedOutSha(run: WorkflowRun): string {
  return run.inputs.sha || run.headSha;
}

/** Why the workflow's steps would fail on this run, or undefined when they would all pass. */
export function buildFailure(run: WorkflowRun): string | undefined {
  const sha = checkedOutSha(run);
  // actions/checkout fetches the commit by id; one the repository does not have fails the step.
  if (!run.repository.commits.has(sha)) return `actions/checkout: fatal: remote error: upload-pack: not our ref ${sha}`;
  const dockerfile = run.repository.file(sha, 'Dockerfile');
  // The fail-build branch (or a commit of it, dispatched on another branch): its Dockerfile exits 1.
  if (run.headBranch === FAIL_BUILD_REF || dockerfile?.content.toString('utf8').includes(`${FAIL_BUILD_REF}:`)) {
    return `test value: builds of '${FAIL_BUILD_REF}' fail (docker build exited with code 1)`;
  }
  // The template's "Check for a Dockerfile" step.
  if (!dockerfile) return `Dockerfile not found in repository at ${run.headBranch} (${sha})`;
  // An empty required input would make configure-aws-credentials or docker push fail.
  for (const input of ['ecr_repository', 'image_tag', 'aws_region'] as const) {
    if (!run.inputs[input]) return `input '${input}' is empty`;
  }
  return undefined;
}
