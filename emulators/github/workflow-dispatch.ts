// POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches, minus HTTP: validates
// the request the way GitHub does (the workflow must be registered on the default branch, the
// ref must exist and carry a dispatchable version of the file, inputs must match its declared
// inputs, the workflow must not be disabled), then queues a run whose title is the file's rendered run-name.
import { z } from 'zod';
import type { EmulatedRepository } from './repository.js';
import type { GitHubEmulatorState } from './state.js';
import { buildSteps } from './test-values.js';
import { readWorkflowFile, renderRunName } from './workflow-file.js';
import type { WorkflowRun } from './workflow-run.js';

export type DispatchOutcome = { ok: true; run: WorkflowRun } | { ok: false; status: 404 | 422; message: string };

const dispatchBody = z.object({
  ref: z.string().min(1),
  inputs: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
});

export function dispatchWorkflow(
  state: GitHubEmulatorState,
  repo: EmulatedRepository,
  workflowId: string,
  body: unknown,
  token: string,
): DispatchOutcome {
  const workflow = state.workflow(repo, workflowId);
  if (!workflow) return { ok: false, status: 404, message: 'Not Found' };
  if (workflow.state !== 'active')
    return { ok: false, status: 422, message: "Cannot trigger a 'workflow_dispatch' on a disabled workflow" };

  const parsed = dispatchBody.safeParse(body);
  if (!parsed.success) return { ok: false, status: 422, message: invalidRequest(body) };
  const { ref, inputs: given = {} } = parsed.data;

  const target = repo.resolveNamedRef(ref);
  if (!target) return { ok: false, status: 422, message: `No ref found for: ${ref}` };
  const fileAtRef = repo.file(target.sha, workflow.path);
  const definition = fileAtRef && readWorkflowFile(fileAtRef.content.toString('utf8'));
  if (!definition?.dispatchable) return { ok: false, status: 422, message: "Workflow does not have 'workflow_dispatch' trigger" };

  const unexpected = Object.keys(given).filter((key) => !definition.inputs.has(key));
  if (unexpected.length > 0) return { ok: false, status: 422, message: `Unexpected inputs provided: ${JSON.stringify(unexpected)}` };
  const inputs: Record<string, string> = {};
  for (const [key, spec] of definition.inputs) {
    const value = given[key];
    if (value !== undefined) inputs[key] = String(value);
    else if (spec.default !== undefined) inputs[key] = spec.default;
    else if (spec.required) return { ok: false, status: 422, message: `Required input '${key}' not provided` };
  }

  const now = new Date().toISOString();
  const workflowName = definition.name ?? workflow.path;
  const actor = state.loginFor(token);
  const run: WorkflowRun = {
    id: state.newRunId(),
    runNumber: state.runs.filter((r) => r.repository === repo && r.workflowId === workflow.id).length + 1,
    repository: repo,
    workflowId: workflow.id,
    workflowName,
    workflowPath: workflow.path,
    // Without a run-name, GitHub titles a dispatched run with the workflow's name.
    displayTitle:
      definition.runName === undefined
        ? workflowName
        : renderRunName(definition.runName, { inputs, refName: target.name, actor, workflow: workflowName, sha: target.sha }),
    event: 'workflow_dispatch',
    headBranch: target.name,
    headSha: target.sha,
    inputs,
    actor,
    status: 'queued',
    conclusion: null,
    createdAt: now,
    updatedAt: now,
    runStartedAt: now,
    stepsDone: 0,
    totalSteps: buildSteps(inputs),
  };
  state.recordDispatch(run);
  state.builds.start(run);
  return { ok: true, run };
}

/** GitHub's wording for a body that fails its JSON schema. */
function invalidRequest(body: unknown): string {
  if (typeof body !== 'object' || body === null) return 'Invalid request.\n\nInvalid input: input must be an object.';
  const { ref, inputs } = body as { ref?: unknown; inputs?: unknown };
  if (ref === undefined) return 'Invalid request.\n\n"ref" wasn\'t supplied.';
  if (typeof ref !== 'string') return `Invalid request.\n\nFor 'properties/ref', ${JSON.stringify(ref)} is not a string.`;
  if (ref === '') return 'Invalid request.\n\n"ref" is empty.';
  if (typeof inputs !== 'object' || inputs === null || Array.isArray(inputs)) {
    return `Invalid request.\n\nFor 'properties/inputs', ${JSON.stringify(inputs)} is not an object.`;
  }
  return 'Invalid request.\n\nInput values must be strings, numbers or booleans.';
}
