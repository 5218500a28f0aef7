// The github-actions builder: dispatch the app repository's build workflow with the deployment id
// as correlation id, find the run by its run-name, follow it to the end with heartbeats. Look-up
// before dispatch, so a retried or re-run activity never starts a second build. Polls are
// conditional and rate limits are waited out (github-polling.ts): a thousand builds polling from
// one token must slow down, not fail.
import { Context, sleep } from '@temporalio/activity';
import { refContainsCommit, runRevisionRefusal } from '../../domain/source-provenance.js';
import type { BuildInput, BuildResult, BuildTimings } from './build.js';
import { githubBuildFailure } from './build-github-failure.js';
import type { DeployClients } from './clients.js';
import { permanent } from './errors.js';
import { ConditionalReads, outlastingRateLimits } from './github-polling.js';
import { reportProgress } from './progress.js';

/** The artifact the template's "Report the image digest" step uploads. */
const DIGEST_ARTIFACT = /^switchyard-image-sha256-([0-9a-f]{64})$/;

interface BuildHeartbeat {
  dispatchedAt?: number;
  runId?: number;
}

export async function githubActionsBuild(clients: DeployClients, timings: BuildTimings, input: BuildInput): Promise<BuildResult> {
  const octokit = await clients.github(input.githubConnectionId);
  const { owner, repo } = input;
  const runName = `switchyard build ${input.correlationId}`;
  const previous = (Context.current().info.heartbeatDetails ?? {}) as BuildHeartbeat;
  let dispatchedAt = previous.dispatchedAt;
  let beatDetails: BuildHeartbeat = { ...previous };
  const beat = (details?: BuildHeartbeat) => {
    if (details) beatDetails = details;
    Context.current().heartbeat(beatDetails);
  };
  const github = <T>(call: () => Promise<T>) => outlastingRateLimits(`GitHub ${owner}/${repo}`, call, beat);
  const reads = new ConditionalReads();

  const workflowFile = `.github/workflows/${input.buildWorkflow}`;
  const findRun = async () => {
    try {
      const data = await github(() =>
        reads.read('runs', (headers) =>
          octokit.actions.listWorkflowRuns({
            owner,
            repo,
            workflow_id: input.buildWorkflow,
            event: 'workflow_dispatch',
            per_page: 50,
            headers,
          }),
        ),
      );
      return data.workflow_runs.find((run) => run.display_title === runName);
    } catch (error) {
      throw githubBuildFailure(error, `${owner}/${repo}`, workflowFile);
    }
  };

  // The run must be of the revision asked for (see runRevisionRefusal): checked once it is found.
  type Run = NonNullable<Awaited<ReturnType<typeof findRun>>>;
  const checkRevision = async (found: Run): Promise<void> => {
    let headContainsCommit: boolean | undefined;
    if (input.refIsCommit && found.head_sha !== input.sha) {
      try {
        const { data } = await github(() =>
          octokit.repos.compareCommitsWithBasehead({ owner, repo, basehead: `${found.head_sha}...${input.sha}`, per_page: 1 }),
        );
        headContainsCommit = refContainsCommit(data.status);
      } catch (error) {
        if ((error as { status?: number }).status !== 404) throw githubBuildFailure(error, `${owner}/${repo}`, workflowFile);
        headContainsCommit = false;
      }
    }
    const refusal = runRevisionRefusal({
      expectedSha: input.sha,
      headSha: found.head_sha,
      isCommit: input.refIsCommit === true,
      headContainsCommit: headContainsCommit ?? found.head_sha === input.sha,
      runId: found.id,
    });
    if (refusal) throw permanent('DOCKER_BUILD_FAILED', refusal);
  };

  // The template's last step uploads an artifact named after the pushed digest; a workflow copied
  // before that step reports none, and the image is then pinned by ECR's digest alone.
  const reportedDigest = async (runId: number): Promise<string | undefined> => {
    try {
      const { data } = await github(() => octokit.actions.listWorkflowRunArtifacts({ owner, repo, run_id: runId, per_page: 100 }));
      const name = data.artifacts.map((a) => DIGEST_ARTIFACT.exec(a.name)).find(Boolean);
      return name ? `sha256:${name[1]}` : undefined;
    } catch (error) {
      throw githubBuildFailure(error, `${owner}/${repo}`, workflowFile);
    }
  };

  const readRun = async (runId: number) => {
    try {
      return await github(() =>
        reads.read(`run:${runId}`, (headers) => octokit.actions.getWorkflowRun({ owner, repo, run_id: runId, headers })),
      );
    } catch (error) {
      throw githubBuildFailure(error, `${owner}/${repo}`, workflowFile);
    }
  };

  let run = await findRun();
  if (!run && dispatchedAt === undefined) {
    const region = (await clients.aws(input.awsConnectionId)).region;
    try {
      await github(() =>
        octokit.actions.createWorkflowDispatch({
          owner,
          repo,
          workflow_id: input.buildWorkflow,
          ref: input.ref,
          inputs: {
            correlation_id: input.correlationId,
            ecr_repository: input.ecrRepository,
            image_tag: input.imageTag,
            aws_region: region,
            // Only for a commit, so a workflow copied before the template declared `sha` still builds branches and tags.
            ...(input.refIsCommit ? { sha: input.sha } : {}),
          },
        }),
      );
    } catch (error) {
      throw githubBuildFailure(error, `${owner}/${repo}`, workflowFile, input.refIsCommit ? input.sha : undefined);
    }
    dispatchedAt = Date.now();
    beat({ dispatchedAt });
  }
  let reportedRunning = false;
  let checked = false;
  for (;;) {
    run ??= await findRun();
    if (run && !checked) {
      await checkRevision(run);
      checked = true;
    }
    if (!run) {
      if (Date.now() - (dispatchedAt ?? 0) > timings.runAppearTimeoutMs)
        throw permanent('DOCKER_BUILD_FAILED', `The build run "${runName}" never appeared in ${owner}/${repo}`);
    } else if (run.status === 'completed') {
      if (run.conclusion !== 'success')
        throw permanent('DOCKER_BUILD_FAILED', `Docker build failed: GitHub Actions run ${run.id} concluded ${run.conclusion}`);
      const imageDigest = await reportedDigest(run.id);
      return { imageTag: input.imageTag, runUrl: run.html_url, ...(imageDigest ? { imageDigest } : {}) };
    } else if (!reportedRunning) {
      reportedRunning = true;
      await reportProgress(input.workflowId, [
        { key: `build:${run.id}:running`, stage: 1, kind: 'build_running', details: { buildUrl: run.html_url, runId: run.id } },
      ]);
    }
    beat({ dispatchedAt, runId: run?.id });
    await sleep(timings.pollMs);
    if (run) run = await readRun(run.id);
  }
}
