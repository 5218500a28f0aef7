// Provenance from commit to running task, against real Temporal and the emulators: a commit that
// only a fork has is refused (at the API with a 400, and by the worker when the API's check is
// bypassed), before anything is built; an image whose tag was re-pushed is refused before any task
// definition exists; a build run of another revision carrying the deployment's title is refused;
// a repository with immutable tags refuses the re-push; and a deployment's
// result, events, search attributes and task definition carry the commit SHA and image digest.
import { Octokit } from '@octokit/rest';
import { sandboxApiServices } from '../emulators/wiring/services.js';
import { describe, expect, it } from 'vitest';
import { DeploymentService } from '../api/deployments/deployment-service.js';
import { DeployCommitSha, DeployImageDigest } from '../common/search-attributes.js';
import { deploymentEventsQuery } from '../workflows/deployment/messages.js';
import { RETAG_AFTER_PUSH_MARKER } from '../emulators/github/test-values.js';
import { SANDBOX_CREDENTIALS, SANDBOX_SERVICE } from '../emulators/sandbox.js';
import { sandboxSuite } from './support/sandbox-suite.js';

const ENDED = ['COMPLETED', 'FAILED', 'ROLLED_BACK'];

describe('provenance from commit to running task', () => {
  // A queue of one: a queued deployment's id is known before its build is looked for.
  const suite = sandboxSuite('provenance', { env: { DEPLOY_QUEUE_CAPACITY: '1' } });

  const sandbox = () => suite.worker.sandbox;
  const pandaApi = () => sandbox().github.state.repository(SANDBOX_SERVICE.owner, SANDBOX_SERVICE.repo)!;
  const forkCommit = () => [...pandaApi().forkNetworkCommits][0]!;
  /** What a deployment sets in motion in the emulators: builds, task definitions, CodeDeploy deployments. */
  const effects = () => {
    const { target } = sandbox();
    const counters = sandbox().aws.state.counters;
    return {
      runs: sandbox().github.state.runs.length,
      taskDefinitions: counters.taskDefinitionRevisions.get(target.service),
      codeDeployDeployments: counters.deploymentsCreated.get(`${target.codeDeployApplication}/${target.codeDeployGroup}`),
    };
  };
  const ecrTag = (repository: string, tag: string) => {
    const repo = sandbox().aws.state.ecr.repository(repository);
    return [...repo.images.values()].find((image) => image.tags.has(tag))?.digest;
  };

  it('refuses a fork-network commit at the API with a 400 naming the rule; nothing is dispatched or registered', async () => {
    const connection = await suite.api.connect();
    const before = effects();
    const fork = forkCommit();
    for (const version of [fork, fork.slice(0, 10)]) {
      const refused = await suite.api.deploy(connection, { version });
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ status: 400, error: 'Deployment Error', version, commitSha: fork });
      expect(refused.body.message).toBe(
        `Commit ${fork.slice(0, 12)} is not on branch main of switchyard-demo/panda-api nor in any of its 2 newest tags: ` +
          "only commits reachable from the deployment's branch or a tag of the connected repository are deployed (GitHub also serves commits pushed to forks, which are refused)",
      );
    }
    // Named as the deployment's branch, a branch that does not contain it changes nothing.
    expect((await suite.api.deploy(connection, { branch: 'develop', version: fork })).status).toBe(400);
    expect(effects()).toEqual(before);
    expect(sandbox().github.state.runs.filter((run) => run.inputs.sha === fork)).toEqual([]);
  });

  it('the worker refuses it too when the API check is bypassed: FAILED at stage 1 before any build is dispatched', async () => {
    const services = sandboxApiServices(suite.worker.config, sandbox());
    // No source gate: what a door that forgot the check would admit.
    const ungated = new DeploymentService(suite.client, suite.taskQueue, services.connections, services.deploy.defaults);
    const connection = await suite.api.connect();
    const before = effects();
    const fork = forkCommit();
    const { deploymentId } = await ungated.start(
      {
        ...connection,
        owner: SANDBOX_SERVICE.owner,
        repo: SANDBOX_SERVICE.repo,
        branch: 'main',
        version: fork,
      },
      'test',
    );
    const result = await suite.api.settle(deploymentId, ENDED);
    expect(result).toMatchObject({
      status: 'FAILED',
      stage: 1,
      errorCode: 'DOCKER_BUILD_FAILED',
      commitSha: null,
      imageDigest: null,
      taskDefinitionArn: null,
    });
    expect(result.errorMessage).toContain(`Commit ${fork.slice(0, 12)} is not on branch main of switchyard-demo/panda-api`);
    expect(sandbox().github.state.dispatchCount(deploymentId)).toBe(0);
    expect(effects()).toEqual(before);
  });

  it('refuses an image whose tag was re-pushed with other content after the build: FAILED at stage 2, no task definition', async () => {
    const connection = await suite.api.connect(SANDBOX_SERVICE.repo, RETAG_AFTER_PUSH_MARKER);
    const before = effects();
    const started = await suite.api.deploy(connection, { branch: RETAG_AFTER_PUSH_MARKER });
    expect([200, 202]).toContain(started.status); // 202: queued until the admission hears the previous one closed
    const id = started.body.data.deploymentId as string;
    const result = await suite.api.settle(id, ENDED);
    expect(result).toMatchObject({
      status: 'FAILED',
      stage: 2,
      errorCode: 'DOCKER_BUILD_FAILED',
      taskDefinitionArn: null,
      imageDigest: null,
    });
    const run = sandbox().github.state.runs.find((r) => r.inputs.correlation_id === id)!;
    const inEcr = ecrTag(run.inputs.ecr_repository!, run.inputs.image_tag!);
    expect(inEcr).toBeDefined();
    expect(inEcr).not.toBe(run.imageDigest);
    expect(result.errorMessage).toBe(
      `Image ${run.inputs.ecr_repository}:${run.inputs.image_tag} in ECR is ${inEcr}, but the build pushed ${run.imageDigest}: ` +
        'the tag was moved to other content after the build, and is not deployed',
    );
    expect(effects()).toEqual({ ...before, runs: before.runs + 1 });
  });

  it("refuses a run found by the deployment's title that ran another revision: FAILED at stage 1, nothing registered", async () => {
    const connection = await suite.api.connect();
    const first = await suite.api.deploy(connection);
    expect(first.status).toBe(200);
    const firstId = first.body.data.deploymentId as string;
    const queued = await suite.api.deploy(connection);
    expect(queued.status).toBe(202);
    const id = queued.body.data.deploymentId as string;
    // Someone who may run workflows dispatches the build on develop with this deployment's id first.
    const octokit = new Octokit({ auth: SANDBOX_CREDENTIALS.githubToken, baseUrl: sandbox().github.url });
    await octokit.actions.createWorkflowDispatch({
      owner: SANDBOX_SERVICE.owner,
      repo: SANDBOX_SERVICE.repo,
      workflow_id: 'switchyard-build.yml',
      ref: 'develop',
      inputs: { correlation_id: id, ecr_repository: 'impostor', image_tag: 'impostor', aws_region: SANDBOX_CREDENTIALS.region },
    });
    await suite.api.reach(firstId, 'DEPLOYMENT_READY');
    expect((await suite.api.call('POST', `/api/v1/deploy/${firstId}/rollback`, undefined, 'approver')).status).toBe(200);
    await suite.api.settle(firstId, ENDED);
    const before = effects();

    const result = await suite.api.settle(id, ENDED);
    const impostor = sandbox().github.state.runs.find((run) => run.inputs.correlation_id === id)!;
    const main = pandaApi().branches.get('main')!.sha;
    expect(impostor.headSha).toBe(pandaApi().branches.get('develop')!.sha);
    expect(result).toMatchObject({
      status: 'FAILED',
      stage: 1,
      errorCode: 'DOCKER_BUILD_FAILED',
      commitSha: main,
      imageDigest: null,
      taskDefinitionArn: null,
    });
    expect(result.errorMessage).toBe(
      `GitHub Actions run ${impostor.id} built ${impostor.headSha.slice(0, 12)}, not the resolved commit ${main.slice(0, 12)} ` +
        '(the ref moved between resolving and dispatching): its image is not deployed; deploy again',
    );
    // Ours was never dispatched (a run with its title existed), and nothing reached ECS or CodeDeploy.
    expect(sandbox().github.state.dispatchCount(id)).toBe(1);
    expect(effects()).toEqual(before);
  });

  it('in a repository with immutable tags the re-push is refused, and the deployment runs the digest the build pushed', async () => {
    const repository = 'panda-api-immutable';
    sandbox().aws.state.ecr.createRepository(repository, { imageTagMutability: 'IMMUTABLE' });
    const connection = await suite.api.connect(SANDBOX_SERVICE.repo, RETAG_AFTER_PUSH_MARKER);
    const started = await suite.api.deploy(connection, { branch: RETAG_AFTER_PUSH_MARKER, target: { ecrRepository: repository } });
    // 202 when the service's admission has not yet heard that the previous test's deployment
    // closed: it is queued and starts a moment later.
    expect([200, 202]).toContain(started.status);
    const id = started.body.data.deploymentId as string;
    const ready = await suite.api.settle(id, ['DEPLOYMENT_READY', ...ENDED]);
    const run = sandbox().github.state.runs.find((r) => r.inputs.correlation_id === id)!;
    expect(ready).toMatchObject({ status: 'DEPLOYMENT_READY', imageDigest: run.imageDigest });
    // Two pushes of the tag reached ECR; the second was refused (ImageTagAlreadyExistsException).
    expect(sandbox().aws.state.counters.ecrPushes.get(`${repository}:${run.inputs.image_tag}`)).toBe(2);
    expect(ecrTag(repository, run.inputs.image_tag!)).toBe(run.imageDigest);
    expect(sandbox().aws.state.ecr.repository(repository).images.size).toBe(1);
    expect((await suite.api.call('POST', `/api/v1/deploy/${id}/rollback`, undefined, 'approver')).status).toBe(200);
    await suite.api.settle(id, ENDED);
  });

  it('a deployment carries its commit SHA and image digest: result, events, search attributes and the task definition', async () => {
    const connection = await suite.api.connect();
    const sha = pandaApi().branches.get('main')!.sha;
    const started = await suite.api.deploy(connection);
    const id = started.body.data.deploymentId as string;
    const ready = await suite.api.settle(id, ['DEPLOYMENT_READY', ...ENDED]);
    const run = sandbox().github.state.runs.find((r) => r.inputs.correlation_id === id)!;
    const ecrRepository = run.inputs.ecr_repository!;
    const digest = ecrTag(ecrRepository, run.inputs.image_tag!)!;
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(run).toMatchObject({ headSha: sha, imageDigest: digest });
    const repositoryUri = sandbox().aws.state.ecr.repository(ecrRepository).uri;
    expect(ready).toMatchObject({
      status: 'DEPLOYMENT_READY',
      commitSha: sha,
      imageDigest: digest,
      imageUri: `${repositoryUri}@${digest}`,
    });

    // The task definition green runs names the image by digest, not by a tag.
    const taskDefinition = sandbox().aws.state.ecs.findTaskDefinition(ready.taskDefinitionArn as string)!;
    expect(taskDefinition.containerDefinitions.find((c) => c.name === sandbox().target.containerName)?.image).toBe(
      `${repositoryUri}@${digest}`,
    );

    const { events } = await suite.client.workflow.getHandle(id).query(deploymentEventsQuery, 0);
    expect(events.some((e) => e.details?.commitSha === sha)).toBe(true);
    expect(events.some((e) => e.details?.imageDigest === digest && e.details?.commitSha === sha)).toBe(true);

    const described = await suite.client.workflow.getHandle(id).describe();
    expect(described.typedSearchAttributes.get(DeployCommitSha)).toBe(sha);
    expect(described.typedSearchAttributes.get(DeployImageDigest)).toBe(digest);
    const found: string[] = [];
    await expect
      .poll(
        async () => {
          found.length = 0;
          for await (const execution of suite.client.workflow.list({ query: `DeployImageDigest = '${digest}'` }))
            found.push(execution.workflowId);
          return found;
        },
        { timeout: 10_000 },
      )
      .toEqual([id]);

    expect((await suite.api.call('POST', `/api/v1/deploy/${id}/rollback`, undefined, 'approver')).status).toBe(200);
    await suite.api.settle(id, ENDED);
  });
});
