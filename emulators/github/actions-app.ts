// GitHub Actions: workflows, workflow_dispatch, and the runs it creates. Dispatch answers 204
// with no body and no run id — clients find their run by listing runs (our build activity
// matches display_title "switchyard build <correlation id>").
import type { Context } from 'hono';
import { Hono } from 'hono';
import { githubError, notFound } from './errors.js';
import { urlsFor } from './http-context.js';
import type { GitHubEnv } from './http-context.js';
import { paginate } from './pagination.js';
import { visibleRepository } from './repos-app.js';
import type { EmulatedRepository } from './repository.js';
import { artifactJson, workflowJson, workflowRunJson } from './serializers.js';
import type { GitHubEmulatorState } from './state.js';
import { dispatchWorkflow } from './workflow-dispatch.js';
import type { WorkflowRun } from './workflow-run.js';

const DOC = {
  repo: 'https://docs.github.com/rest/repos/repos#get-a-repository',
  workflow: 'https://docs.github.com/rest/actions/workflows#get-a-workflow',
  dispatch: 'https://docs.github.com/rest/actions/workflows#create-a-workflow-dispatch-event',
  run: 'https://docs.github.com/rest/actions/workflow-runs#get-a-workflow-run',
  cancel: 'https://docs.github.com/rest/actions/workflow-runs#cancel-a-workflow-run',
  artifacts: 'https://docs.github.com/rest/actions/artifacts#list-workflow-run-artifacts',
};

/** GitHub's answer to a write with a token that may only read. */
export const NO_ACTIONS_WRITE = 'Resource not accessible by personal access token';

const CONCLUSIONS = ['success', 'failure', 'cancelled', 'neutral', 'skipped', 'timed_out', 'action_required', 'stale'];

export function createActionsApp(state: GitHubEmulatorState): Hono<GitHubEnv> {
  const app = new Hono<GitHubEnv>();

  app.get('/repos/:owner/:repo/actions/workflows', (c) => {
    const repo = visibleRepository(c, state);
    if (!repo) return notFound(c, DOC.repo);
    const workflows = state.workflows(repo);
    const urls = urlsFor(c, state);
    return c.json({ total_count: workflows.length, workflows: paginate(c, workflows).map((w) => workflowJson(repo, w, urls)) });
  });

  app.get('/repos/:owner/:repo/actions/workflows/:workflow_id', (c) => {
    const repo = visibleRepository(c, state);
    const workflow = repo && state.workflow(repo, c.req.param('workflow_id'));
    if (!repo || !workflow) return notFound(c, DOC.workflow);
    return c.json(workflowJson(repo, workflow, urlsFor(c, state)));
  });

  app.post('/repos/:owner/:repo/actions/workflows/:workflow_id/dispatches', async (c) => {
    const token = c.var.token;
    if (token === undefined) return githubError(c, 401, 'Requires authentication', DOC.dispatch);
    const repo = visibleRepository(c, state);
    if (!repo) return notFound(c, DOC.dispatch);
    // A fine-grained token without Actions write permission (a classic one without `repo` scope).
    if (!state.canWriteActions(token)) return githubError(c, 403, NO_ACTIONS_WRITE, DOC.dispatch);
    const body: unknown = await c.req.json().catch(() => undefined);
    if (body === undefined) return githubError(c, 400, 'Problems parsing JSON', DOC.dispatch);
    const outcome = dispatchWorkflow(state, repo, c.req.param('workflow_id'), body, token);
    if (!outcome.ok) return githubError(c, outcome.status, outcome.message, DOC.dispatch);
    return c.body(null, 204);
  });

  app.get('/repos/:owner/:repo/actions/workflows/:workflow_id/runs', (c) => {
    const repo = visibleRepository(c, state);
    const workflow = repo && state.workflow(repo, c.req.param('workflow_id'));
    if (!repo || !workflow) return notFound(c, DOC.workflow);
    return listRuns(c, state, repo, (run) => run.workflowId === workflow.id);
  });

  app.get('/repos/:owner/:repo/actions/runs', (c) => {
    const repo = visibleRepository(c, state);
    if (!repo) return notFound(c, DOC.repo);
    return listRuns(c, state, repo, () => true);
  });

  app.get('/repos/:owner/:repo/actions/runs/:run_id', (c) => {
    const run = findRun(c, state);
    if (!run) return notFound(c, DOC.run);
    return c.json(workflowRunJson(run, urlsFor(c, state)));
  });

  // The template's last step uploads one artifact whose name carries the pushed digest.
  app.get('/repos/:owner/:repo/actions/runs/:run_id/artifacts', (c) => {
    const run = findRun(c, state);
    if (!run) return notFound(c, DOC.artifacts);
    const artifacts = run.imageDigest ? [artifactJson(run, urlsFor(c, state))] : [];
    return c.json({ total_count: artifacts.length, artifacts: paginate(c, artifacts) });
  });

  app.post('/repos/:owner/:repo/actions/runs/:run_id/cancel', (c) => {
    if (c.var.token === undefined) return githubError(c, 401, 'Requires authentication', DOC.cancel);
    const run = findRun(c, state);
    if (!run) return notFound(c, DOC.cancel);
    if (!state.canWriteActions(c.var.token)) return githubError(c, 403, NO_ACTIONS_WRITE, DOC.cancel);
    if (!state.builds.cancel(run)) return githubError(c, 409, 'Cannot cancel a workflow run that is completed.', DOC.cancel);
    return c.json({}, 202);
  });

  return app;
}

function findRun(c: Context<GitHubEnv>, state: GitHubEmulatorState): WorkflowRun | undefined {
  const repo = visibleRepository(c, state);
  const id = Number(c.req.param('run_id'));
  return repo && state.runs.find((run) => run.repository === repo && run.id === id);
}

/** Newest first, filtered by the query parameters GitHub documents for listing runs. */
function listRuns(c: Context<GitHubEnv>, state: GitHubEmulatorState, repo: EmulatedRepository, inScope: (run: WorkflowRun) => boolean) {
  const { event, branch, status, actor, head_sha: headSha } = c.req.query();
  const runs = state.runs
    .filter((run) => run.repository === repo && inScope(run))
    .filter((run) => !event || run.event === event)
    .filter((run) => !branch || run.headBranch === branch)
    .filter((run) => !actor || run.actor === actor)
    .filter((run) => !headSha || run.headSha === headSha)
    // `status` takes a status or a conclusion.
    .filter((run) => !status || (CONCLUSIONS.includes(status) ? run.conclusion === status : run.status === status))
    .sort((a, b) => b.id - a.id);
  const urls = urlsFor(c, state);
  return c.json({ total_count: runs.length, workflow_runs: paginate(c, runs).map((run) => workflowRunJson(run, urls)) });
}
