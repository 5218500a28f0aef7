// workflow_dispatch and the simulated build, through the real Octokit client, the way our build
// activity drives it: dispatch (204, no run id), find the run by its title, follow it to the end.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILD_WORKFLOW_FILE, SANDBOX_OWNER, SLOW_BUILD_MARKER } from '../../../emulators/github/index.js';
import { RETAG_AFTER_PUSH_MARKER } from '../../../emulators/github/test-values.js';
import { PRIVATE_REPO_TOKEN, READ_ONLY_TOKEN, STEP_MS, requestError, startTestEmulator, waitForRunToComplete } from './emulator.js';
import type { TestEmulator } from './emulator.js';

let t: TestEmulator;
beforeAll(async () => {
  t = await startTestEmulator({ failPushFor: 'missing-ecr-repo' });
});
afterAll(async () => {
  await t.emulator.close();
});

const panda = { owner: SANDBOX_OWNER, repo: 'panda-api' };
let nextId = 0;
const buildInputs = (overrides: Record<string, string> = {}) => ({
  correlation_id: `dep_test${String(nextId++).padStart(6, '0')}`,
  ecr_repository: 'panda-api',
  image_tag: `build-${nextId}`,
  aws_region: 'ap-northeast-2',
  ...overrides,
});

/** Dispatch, then find the run the way our activity must: by its rendered run-name. */
async function dispatchAndFind(repo: { owner: string; repo: string }, ref: string, inputs: Record<string, string>, token?: string) {
  const gh = t.octokit(token);
  const dispatched = await gh.actions.createWorkflowDispatch({ ...repo, workflow_id: BUILD_WORKFLOW_FILE, ref, inputs });
  expect(dispatched.status).toBe(204);
  expect(dispatched.data).toBeFalsy();
  const { data } = await gh.actions.listWorkflowRuns({
    ...repo,
    workflow_id: BUILD_WORKFLOW_FILE,
    event: 'workflow_dispatch',
    branch: ref,
    per_page: 20,
  });
  const mine = data.workflow_runs.filter((run) => run.display_title === `switchyard build ${inputs.correlation_id}`);
  expect(mine).toHaveLength(1);
  return mine[0]!;
}

describe('workflow dispatch and the simulated build', () => {
  it('dispatches (204), the run is found by display_title, goes queued → in_progress → completed/success, and pushes one image', async () => {
    const inputs = buildInputs();
    const found = await dispatchAndFind(panda, 'main', inputs);
    expect(found).toMatchObject({
      name: 'Switchyard build',
      event: 'workflow_dispatch',
      conclusion: null,
      head_branch: 'main',
      head_sha: t.repos.pandaApi.branches.get('main')!.sha,
      run_attempt: 1,
      path: `.github/workflows/${BUILD_WORKFLOW_FILE}`,
    });
    expect(found.html_url).toBe(`https://github.com/switchyard-demo/panda-api/actions/runs/${found.id}`);

    const { run, statuses } = await waitForRunToComplete(t.octokit(), panda, found.id);
    // Polling sees a subsequence of the lifecycle, in order (a busy machine may miss a short phase).
    const lifecycle = ['queued', 'in_progress', 'completed'];
    const seen = [found.status!, ...statuses].map((status) => lifecycle.indexOf(status));
    expect(seen.every((index, i) => index >= 0 && (i === 0 || index >= seen[i - 1]!))).toBe(true);
    expect(statuses.at(-1)).toBe('completed');
    expect(run.conclusion).toBe('success');
    expect(Date.parse(run.updated_at)).toBeGreaterThan(Date.parse(run.created_at));

    expect(t.imagesBuilt.filter((e) => e.correlationId === inputs.correlation_id)).toEqual([
      {
        ecrRepository: 'panda-api',
        imageTag: inputs.image_tag,
        correlationId: inputs.correlation_id,
        owner: 'switchyard-demo',
        repo: 'panda-api',
        sha: found.head_sha,
      },
    ]);
    expect(t.emulator.state.dispatchCount(inputs.correlation_id)).toBe(1);
    expect(t.emulator.state.imagesBuiltCount(inputs.correlation_id)).toBe(1);
  });

  it('lists runs newest first, repository-wide too, and filters by status', async () => {
    const first = await dispatchAndFind(panda, 'develop', buildInputs());
    const second = await dispatchAndFind(panda, 'develop', buildInputs());
    const gh = t.octokit();
    const { data } = await gh.actions.listWorkflowRunsForRepo({ ...panda, event: 'workflow_dispatch', branch: 'develop' });
    expect(data.workflow_runs.slice(0, 2).map((r) => r.id)).toEqual([second.id, first.id]);
    expect(data.total_count).toBe(data.workflow_runs.length);
    await waitForRunToComplete(gh, panda, second.id);
    const done = await gh.actions.listWorkflowRunsForRepo({ ...panda, status: 'success' });
    expect(done.data.workflow_runs.every((r) => r.conclusion === 'success')).toBe(true);
    expect(done.data.workflow_runs.map((r) => r.id)).toContain(second.id);
  });

  it('fails the build of the fail-build branch: conclusion failure and no image', async () => {
    const inputs = buildInputs();
    const found = await dispatchAndFind(panda, 'fail-build', inputs);
    const { run } = await waitForRunToComplete(t.octokit(), panda, found.id);
    expect(run.conclusion).toBe('failure');
    expect(t.imagesBuilt.some((e) => e.correlationId === inputs.correlation_id)).toBe(false);
    expect(t.emulator.state.dispatchCount(inputs.correlation_id)).toBe(1);
    expect(t.emulator.state.imagesBuiltCount(inputs.correlation_id)).toBe(0);
  });

  it('fails the build of a repository without a Dockerfile', async () => {
    const repo = { owner: SANDBOX_OWNER, repo: 'no-dockerfile-app' };
    const inputs = buildInputs();
    const found = await dispatchAndFind(repo, 'main', inputs);
    const { run } = await waitForRunToComplete(t.octokit(), repo, found.id);
    expect(run.conclusion).toBe('failure');
    expect(t.emulator.state.imagesBuiltCount(inputs.correlation_id)).toBe(0);
  });

  it('fails the run when the image push is refused', async () => {
    const inputs = buildInputs({ ecr_repository: 'missing-ecr-repo' });
    const found = await dispatchAndFind(panda, 'main', inputs);
    const { run } = await waitForRunToComplete(t.octokit(), panda, found.id);
    expect(run.conclusion).toBe('failure');
    expect(t.emulator.state.runs.find((r) => r.id === found.id)?.failureReason).toContain('missing-ecr-repo does not exist');
    expect(t.emulator.state.imagesBuiltCount(inputs.correlation_id)).toBe(0);
  });

  it('builds a tag: head_branch is the tag, head_sha its commit', async () => {
    const found = await dispatchAndFind(panda, 'v1.2.3', buildInputs());
    expect(found.head_sha).toBe(t.repos.pandaApi.tags.get('v1.2.3'));
    expect((await waitForRunToComplete(t.octokit(), panda, found.id)).run.conclusion).toBe('success');
  });

  it('keeps a slow-build run in progress for 20 steps, and can cancel it (no image)', async () => {
    const inputs = buildInputs({ image_tag: `1.0-${SLOW_BUILD_MARKER}` });
    const found = await dispatchAndFind(panda, 'main', inputs);
    await new Promise((resolve) => setTimeout(resolve, STEP_MS * 6));
    const gh = t.octokit();
    expect((await gh.actions.getWorkflowRun({ ...panda, run_id: found.id })).data.status).toBe('in_progress');

    expect((await gh.actions.cancelWorkflowRun({ ...panda, run_id: found.id })).status).toBe(202);
    const { run } = await waitForRunToComplete(gh, panda, found.id);
    expect(run.conclusion).toBe('cancelled');
    const again = await requestError(gh.actions.cancelWorkflowRun({ ...panda, run_id: found.id }));
    expect(again.status).toBe(409);
    expect(t.emulator.state.imagesBuiltCount(inputs.correlation_id)).toBe(0);
  });

  it("reports the pushed digest as the run's artifact (the template's last step); a failed run has none", async () => {
    const gh = t.octokit();
    const ok = await dispatchAndFind(panda, 'main', buildInputs());
    await waitForRunToComplete(gh, panda, ok.id);
    const { data } = await gh.actions.listWorkflowRunArtifacts({ ...panda, run_id: ok.id });
    const digest = t.emulator.state.runs.find((r) => r.id === ok.id)!.imageDigest!;
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(data).toMatchObject({
      total_count: 1,
      artifacts: [
        { name: `switchyard-image-${digest.replace(':', '-')}`, expired: false, workflow_run: { id: ok.id, head_sha: ok.head_sha } },
      ],
    });

    const failed = await dispatchAndFind(panda, 'fail-build', buildInputs());
    await waitForRunToComplete(gh, panda, failed.id);
    expect((await gh.actions.listWorkflowRunArtifacts({ ...panda, run_id: failed.id })).data).toMatchObject({
      total_count: 0,
      artifacts: [],
    });
    expect((await requestError(gh.actions.listWorkflowRunArtifacts({ ...panda, run_id: 1 }))).status).toBe(404);
  });

  it('re-pushes the tag after the build when the image tag carries the retag-after-push marker', async () => {
    const inputs = buildInputs({ image_tag: `main-${RETAG_AFTER_PUSH_MARKER}-${nextId}` });
    const found = await dispatchAndFind(panda, 'main', inputs);
    expect((await waitForRunToComplete(t.octokit(), panda, found.id)).run.conclusion).toBe('success');
    // The build's push, then someone else's push of the same tag.
    expect(t.imagesBuilt.filter((e) => e.imageTag === inputs.image_tag)).toHaveLength(2);
    expect(t.emulator.state.imagesBuiltCount(inputs.correlation_id)).toBe(1);
  });

  it('counts every dispatch and every image per correlation id (a retried dispatch builds twice)', async () => {
    const inputs = buildInputs();
    const a = await t.octokit().actions.createWorkflowDispatch({ ...panda, workflow_id: BUILD_WORKFLOW_FILE, ref: 'main', inputs });
    const b = await t.octokit().actions.createWorkflowDispatch({ ...panda, workflow_id: BUILD_WORKFLOW_FILE, ref: 'main', inputs });
    expect([a.status, b.status]).toEqual([204, 204]);
    const { data } = await t.octokit().actions.listWorkflowRuns({ ...panda, workflow_id: BUILD_WORKFLOW_FILE, branch: 'main' });
    const mine = data.workflow_runs.filter((r) => r.display_title === `switchyard build ${inputs.correlation_id}`);
    expect(mine).toHaveLength(2);
    await Promise.all(mine.map((r) => waitForRunToComplete(t.octokit(), panda, r.id)));
    expect(t.emulator.state.dispatchCount(inputs.correlation_id)).toBe(2);
    expect(t.emulator.state.imagesBuiltCount(inputs.correlation_id)).toBe(2);
    expect(t.emulator.state.dispatchCount('dep_neverdispatched')).toBe(0);
  });
});

describe('dispatch errors', () => {
  it('answers 404 for a workflow the repository does not have', async () => {
    const legacy = t.emulator.state.addRepository({ owner: SANDBOX_OWNER, name: 'legacy-app' });
    legacy.setBranch(
      'main',
      legacy.addCommit({ message: 'No workflows here', date: '2024-05-01T00:00:00Z', files: { Dockerfile: 'FROM scratch\n' } }),
    );
    const err = await requestError(
      t.octokit().actions.createWorkflowDispatch({
        owner: SANDBOX_OWNER,
        repo: 'legacy-app',
        workflow_id: BUILD_WORKFLOW_FILE,
        ref: 'main',
        inputs: buildInputs(),
      }),
    );
    expect(err.status).toBe(404);
    expect(err.message).toContain('Not Found');
    const other = await requestError(t.octokit().actions.createWorkflowDispatch({ ...panda, workflow_id: 'deploy.yml', ref: 'main' }));
    expect(other.status).toBe(404);
  });

  it('answers 422 for an unknown ref, unexpected inputs and missing required inputs; nothing is counted', async () => {
    const gh = t.octokit();
    const inputs = buildInputs();
    const dispatch = (ref: string, given: Record<string, string>) =>
      requestError(gh.actions.createWorkflowDispatch({ ...panda, workflow_id: BUILD_WORKFLOW_FILE, ref, inputs: given }));

    const unknownRef = await dispatch('no-such-branch', inputs);
    expect(unknownRef.status).toBe(422);
    expect(unknownRef.message).toContain('No ref found for: no-such-branch');
    const unexpected = await dispatch('main', { ...inputs, extra: 'x' });
    expect(unexpected.status).toBe(422);
    expect(unexpected.message).toContain('Unexpected inputs provided: ["extra"]');
    const { image_tag: _omitted, ...withoutTag } = inputs;
    const missing = await dispatch('main', withoutTag);
    expect(missing.status).toBe(422);
    expect(missing.message).toContain("Required input 'image_tag' not provided");
    expect(t.emulator.state.dispatchCount(inputs.correlation_id)).toBe(0);
  });

  it('hides a private repository from dispatch without access, and builds it with access', async () => {
    const secret = { owner: SANDBOX_OWNER, repo: 'secret-app' };
    const denied = await requestError(
      t.octokit().actions.createWorkflowDispatch({ ...secret, workflow_id: BUILD_WORKFLOW_FILE, ref: 'main', inputs: buildInputs() }),
    );
    expect(denied.status).toBe(404);
    const found = await dispatchAndFind(secret, 'main', buildInputs({ ecr_repository: 'secret-app' }), PRIVATE_REPO_TOKEN);
    expect((await waitForRunToComplete(t.octokit(PRIVATE_REPO_TOKEN), secret, found.id)).run.conclusion).toBe('success');
  });
});

describe('building a commit: dispatched on a branch with the sha input', () => {
  it('checks out the sha input instead of the branch head; head_branch/head_sha stay the dispatched ref', async () => {
    const commit = t.repos.pandaApi.tags.get('v1.2.3')!;
    const inputs = buildInputs({ sha: commit });
    const found = await dispatchAndFind(panda, 'main', inputs);
    expect(found).toMatchObject({ head_branch: 'main', head_sha: t.repos.pandaApi.branches.get('main')!.sha });
    expect((await waitForRunToComplete(t.octokit(), panda, found.id)).run.conclusion).toBe('success');
    expect(t.emulator.state.runs.find((r) => r.id === found.id)!.inputs.sha).toBe(commit);
    expect(t.imagesBuilt.filter((e) => e.correlationId === inputs.correlation_id).map((e) => e.sha)).toEqual([commit]);
  });

  it('defaults sha to empty (the branch head), fails a commit of fail-build and a commit the repository does not have', async () => {
    const plain = await dispatchAndFind(panda, 'main', buildInputs());
    expect(t.emulator.state.runs.find((r) => r.id === plain.id)!.inputs.sha).toBe('');
    const failing = await dispatchAndFind(panda, 'main', buildInputs({ sha: t.repos.pandaApi.branches.get('fail-build')!.sha }));
    const unknownInputs = buildInputs({ sha: 'f'.repeat(40) });
    const unknown = await dispatchAndFind(panda, 'main', unknownInputs);
    expect((await waitForRunToComplete(t.octokit(), panda, failing.id)).run.conclusion).toBe('failure');
    expect((await waitForRunToComplete(t.octokit(), panda, unknown.id)).run.conclusion).toBe('failure');
    expect(t.emulator.state.runs.find((r) => r.id === unknown.id)!.failureReason).toContain('not our ref');
    expect(t.imagesBuilt.filter((e) => e.correlationId === unknownInputs.correlation_id)).toEqual([]);
  });
});

describe('dispatch errors of the seeded test repositories and tokens', () => {
  it('no-workflow-app: 404 Not Found for dispatch and for its runs; the repository itself is readable', async () => {
    const repo = { owner: SANDBOX_OWNER, repo: 'no-workflow-app' };
    expect((await t.octokit().repos.get(repo)).status).toBe(200);
    const err = await requestError(
      t.octokit().actions.createWorkflowDispatch({ ...repo, workflow_id: BUILD_WORKFLOW_FILE, ref: 'main', inputs: buildInputs() }),
    );
    expect(err.status).toBe(404);
    expect(err.response?.data).toMatchObject({
      message: 'Not Found',
      documentation_url: expect.stringContaining('create-a-workflow-dispatch-event'),
    });
    const runs = await requestError(t.octokit().actions.listWorkflowRuns({ ...repo, workflow_id: BUILD_WORKFLOW_FILE }));
    expect(runs.status).toBe(404);
  });

  it('disabled-workflow-app: the workflow is disabled_manually and dispatch answers 422; nothing runs', async () => {
    const repo = { owner: SANDBOX_OWNER, repo: 'disabled-workflow-app' };
    const { data: workflow } = await t.octokit().actions.getWorkflow({ ...repo, workflow_id: BUILD_WORKFLOW_FILE });
    expect(workflow.state).toBe('disabled_manually');
    const inputs = buildInputs();
    const err = await requestError(
      t.octokit().actions.createWorkflowDispatch({ ...repo, workflow_id: BUILD_WORKFLOW_FILE, ref: 'main', inputs }),
    );
    expect(err.status).toBe(422);
    expect(err.response?.data).toMatchObject({ message: "Cannot trigger a 'workflow_dispatch' on a disabled workflow" });
    expect(t.emulator.state.dispatchCount(inputs.correlation_id)).toBe(0);
    t.emulator.state.setWorkflowDisabled(t.repos.disabledWorkflowApp, BUILD_WORKFLOW_FILE, false);
    try {
      const found = await dispatchAndFind(repo, 'main', buildInputs({ ecr_repository: 'disabled-workflow-app' }));
      expect((await waitForRunToComplete(t.octokit(), repo, found.id)).run.conclusion).toBe('success');
    } finally {
      t.emulator.state.setWorkflowDisabled(t.repos.disabledWorkflowApp, BUILD_WORKFLOW_FILE, true);
    }
  });

  it('a read-only token reads the repository and its runs but gets 403 for dispatch and cancel', async () => {
    const reader = t.octokit(READ_ONLY_TOKEN);
    expect((await reader.repos.get(panda)).status).toBe(200);
    const inputs = buildInputs();
    const err = await requestError(
      reader.actions.createWorkflowDispatch({ ...panda, workflow_id: BUILD_WORKFLOW_FILE, ref: 'main', inputs }),
    );
    expect(err.status).toBe(403);
    expect(err.response?.data).toMatchObject({ message: 'Resource not accessible by personal access token' });
    expect(t.emulator.state.dispatchCount(inputs.correlation_id)).toBe(0);
    const found = await dispatchAndFind(panda, 'slow-build', buildInputs({ image_tag: `x-${SLOW_BUILD_MARKER}` }));
    expect((await reader.actions.getWorkflowRun({ ...panda, run_id: found.id })).status).toBe(200);
    expect((await requestError(reader.actions.cancelWorkflowRun({ ...panda, run_id: found.id }))).status).toBe(403);
    await t.octokit().actions.cancelWorkflowRun({ ...panda, run_id: found.id });
  });
});

describe('emulator state', () => {
  it('summarises repositories, runs and counters at /_emulator/github/state', async () => {
    const res = await fetch(`${t.emulator.url}/_emulator/github/state`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      repositories: { fullName: string; branches: Record<string, string>; workflows: { path: string }[] }[];
      runs: { id: number; status: string }[];
      dispatchesByCorrelationId: Record<string, number>;
      imagesBuiltByCorrelationId: Record<string, number>;
    };
    const pandaSummary = body.repositories.find((r) => r.fullName === 'switchyard-demo/panda-api');
    expect(Object.keys(pandaSummary!.branches).sort()).toEqual([
      'develop',
      'fail-build',
      'main',
      'retag-after-push',
      'slow-build',
      'unhealthy-green',
    ]);
    expect(pandaSummary!.workflows.map((w) => w.path)).toEqual(['.github/workflows/switchyard-build.yml']);
    expect(body.runs.length).toBe(t.emulator.state.runs.length);
    expect(body.dispatchesByCorrelationId).toEqual(Object.fromEntries(t.emulator.state.dispatchesByCorrelationId));
    expect(body.imagesBuiltByCorrelationId).toEqual(Object.fromEntries(t.emulator.state.imagesBuiltByCorrelationId));
  });
});
