// What a deployment's `version` may be and how GitHub's refusals end it: a commit SHA deploys
// (dispatched on the deployment's branch, or a tag, that contains it, with the SHA as the `sha`
// input, since workflow_dispatch takes only branches and tags; test/provenance.test.ts covers
// commits that neither contains), and a missing or disabled build workflow or a token that may not
// run it end at stage 1 with DOCKER_BUILD_FAILED, at once and with a message saying what to fix.
import { describe, expect, it } from 'vitest';
import { SANDBOX_CREDENTIALS, SANDBOX_SERVICE } from '../emulators/sandbox.js';
import { sandboxSuite } from './support/sandbox-suite.js';

describe('deployment sources', () => {
  const suite = sandboxSuite('deploy-sources');

  const github = () => suite.worker.sandbox.github.state;
  const runsOf = (deploymentId: string) => github().runs.filter((run) => run.inputs.correlation_id === deploymentId);

  it('deploys a commit: the build is dispatched on the branch with inputs.sha = the commit, and the deployment completes', async () => {
    const connection = await suite.api.connect();
    const sha = github().repository(SANDBOX_SERVICE.owner, SANDBOX_SERVICE.repo)!.branches.get('main')!.sha;
    const started = await suite.api.deploy(connection, { version: sha });
    expect(started.status).toBe(200);
    const id = started.body.data.deploymentId as string;
    const ready = await suite.api.settle(id, ['DEPLOYMENT_READY', 'FAILED', 'ROLLED_BACK']);
    expect(ready).toMatchObject({ status: 'DEPLOYMENT_READY', version: sha });
    const runs = runsOf(id);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ headBranch: 'main', conclusion: 'success', inputs: { sha, correlation_id: id } });

    expect((await suite.api.call('POST', `/api/v1/deploy/${id}/switch`, undefined, 'approver')).status).toBe(200);
    expect(await suite.api.settle(id, ['COMPLETED', 'FAILED', 'ROLLED_BACK'])).toMatchObject({
      status: 'COMPLETED',
      finalService: 'green',
    });
  });

  it('deploys an older commit (v1.2.3) pinned by sha, and a tag without any sha input', async () => {
    const connection = await suite.api.connect();
    const repo = github().repository(SANDBOX_SERVICE.owner, SANDBOX_SERVICE.repo)!;
    const commit = repo.tags.get('v1.2.3')!;
    const byCommit = await suite.api.deploy(connection, { version: commit.slice(0, 12) });
    const commitId = byCommit.body.data.deploymentId as string;
    expect(await suite.api.settle(commitId, ['DEPLOYMENT_READY', 'FAILED', 'ROLLED_BACK'])).toMatchObject({ status: 'DEPLOYMENT_READY' });
    expect(runsOf(commitId)[0]).toMatchObject({ headBranch: 'main', headSha: repo.branches.get('main')!.sha, inputs: { sha: commit } });
    expect((await suite.api.call('POST', `/api/v1/deploy/${commitId}/rollback`, undefined, 'approver')).status).toBe(200);
    await suite.api.settle(commitId, ['ROLLED_BACK', 'FAILED', 'COMPLETED']);

    const byTag = await suite.api.deploy(connection, { version: 'v1.2.3' });
    const tagId = byTag.body.data.deploymentId as string;
    expect(await suite.api.settle(tagId, ['DEPLOYMENT_READY', 'FAILED', 'ROLLED_BACK'])).toMatchObject({ status: 'DEPLOYMENT_READY' });
    expect(runsOf(tagId)[0]).toMatchObject({ headBranch: 'v1.2.3', headSha: commit, inputs: { sha: '' } });
    expect((await suite.api.call('POST', `/api/v1/deploy/${tagId}/rollback`, undefined, 'approver')).status).toBe(200);
    await suite.api.settle(tagId, ['ROLLED_BACK', 'FAILED', 'COMPLETED']);
  });

  it("dispatches a commit on the deployment's branch when it contains the commit, else on a tag that does; refuses it when neither does", async () => {
    const connection = await suite.api.connect();
    const repo = github().repository(SANDBOX_SERVICE.owner, SANDBOX_SERVICE.repo)!;
    const cases = [
      { branch: 'develop', version: repo.tags.get('v1.2.3')!, dispatchedOn: 'develop' }, // develop descends from v1.2.3
      { branch: 'no-such-branch', version: repo.tags.get('v1.0.0')!, dispatchedOn: 'v1.0.0' }, // the tag on the commit itself
      // An untagged commit: tags are searched newest first, and v1.2.3 contains the initial commit.
      { branch: 'no-such-branch', version: repo.commit(repo.tags.get('v1.0.0')!).parents[0]!, dispatchedOn: 'v1.2.3' },
      { branch: 'unhealthy-green', version: repo.tags.get('v1.0.0')!, dispatchedOn: 'unhealthy-green' },
    ];
    // develop's head is on no tag and not on unhealthy-green: a 400 before anything starts.
    const runsBefore = github().runs.length;
    const refused = await suite.api.deploy(connection, { branch: 'unhealthy-green', version: repo.branches.get('develop')!.sha });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toContain('is not on branch unhealthy-green of switchyard-demo/panda-api nor in any of its 2 newest tags');
    expect(github().runs.length).toBe(runsBefore);
    for (const { branch, version, dispatchedOn } of cases) {
      const started = await suite.api.deploy(connection, { branch, version });
      expect(started.status).toBe(200);
      const id = started.body.data.deploymentId as string;
      expect(await suite.api.settle(id, ['DEPLOYMENT_READY', 'FAILED', 'ROLLED_BACK'])).toMatchObject({ status: 'DEPLOYMENT_READY' });
      expect(runsOf(id)).toMatchObject([{ headBranch: dispatchedOn, inputs: { sha: version } }]);
      expect((await suite.api.call('POST', `/api/v1/deploy/${id}/rollback`, undefined, 'approver')).status).toBe(200);
      await suite.api.settle(id, ['ROLLED_BACK', 'FAILED', 'COMPLETED']);
    }
  });

  it('fails at stage 1 with DOCKER_BUILD_FAILED, without retrying, when the repository has no build workflow', async () => {
    const connection = await suite.api.connect('no-workflow-app');
    const started = await suite.api.deploy(connection, { repo: 'no-workflow-app' });
    const result = await suite.api.settle(started.body.data.deploymentId, ['FAILED', 'COMPLETED', 'DEPLOYMENT_READY']);
    expect(result).toMatchObject({ status: 'FAILED', errorCode: 'DOCKER_BUILD_FAILED', stage: 1, finalService: null });
    expect(result.errorMessage).toBe(
      'Build workflow .github/workflows/switchyard-build.yml not found in switchyard-demo/no-workflow-app ' +
        '(copy templates/github-actions/switchyard-build.yml there, on the default branch)',
    );
    expect(runsOf(started.body.data.deploymentId)).toEqual([]);
  });

  it('fails at stage 1 with DOCKER_BUILD_FAILED when the build workflow is disabled', async () => {
    const connection = await suite.api.connect('disabled-workflow-app');
    const started = await suite.api.deploy(connection, { repo: 'disabled-workflow-app' });
    const result = await suite.api.settle(started.body.data.deploymentId, ['FAILED', 'COMPLETED', 'DEPLOYMENT_READY']);
    expect(result).toMatchObject({ status: 'FAILED', errorCode: 'DOCKER_BUILD_FAILED', stage: 1 });
    expect(result.errorMessage).toContain('is disabled in switchyard-demo/disabled-workflow-app');
    expect(result.errorMessage).toContain("Cannot trigger a 'workflow_dispatch' on a disabled workflow");
  });

  it('fails at stage 1 with DOCKER_BUILD_FAILED when the token may read but not run workflows', async () => {
    const github = await suite.api.call('POST', '/api/v1/connect/github', {
      owner: SANDBOX_SERVICE.owner,
      repo: SANDBOX_SERVICE.repo,
      branch: 'main',
      token: SANDBOX_CREDENTIALS.githubReadOnlyToken,
    });
    expect(github.status).toBe(200);
    const { awsConnectionId } = await suite.api.connect();
    const started = await suite.api.deploy({ githubConnectionId: github.body.data.githubConnectionId as string, awsConnectionId });
    const result = await suite.api.settle(started.body.data.deploymentId, ['FAILED', 'COMPLETED', 'DEPLOYMENT_READY']);
    expect(result).toMatchObject({ status: 'FAILED', errorCode: 'DOCKER_BUILD_FAILED', stage: 1 });
    expect(result.errorMessage).toContain('Resource not accessible by personal access token');
    expect(result.errorMessage).toContain('Actions read and write permission');
  });
});
