// Stage 1, second half: build and push the image.
//  - github-actions (default): dispatch the app repository's build workflow with the deployment
//    id as correlation id, find the run by its run-name, follow it to the end with heartbeats.
//    Look-up before dispatch, so a retried or re-run activity never starts a second build.
//  - docker: `docker build` from the repository's git URL and `docker push` to ECR, where a
//    Docker engine is reachable.
import { spawn } from 'node:child_process';
import { GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { Context, sleep } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Builder } from '../../domain/deployment.js';
import type { DeployClients } from './clients.js';
import { refContainsCommit, runRevisionRefusal } from '../../domain/source-provenance.js';
import { asActivityFailure, isGitHubRateLimit, permanent } from './errors.js';
import { reportProgress } from './progress.js';

export interface BuildInput {
  githubConnectionId: string;
  awsConnectionId: string;
  owner: string;
  repo: string;
  sha: string;
  /** The branch or tag the build workflow is dispatched on. */
  ref: string;
  /** The deployment's version is a commit: the workflow gets it as its `sha` input and checks it out. */
  refIsCommit?: boolean;
  builder: Builder;
  buildWorkflow: string;
  correlationId: string;
  ecrRepository: string;
  imageTag: string;
  workflowId: string;
}

export interface BuildResult {
  imageTag: string;
  /** The digest the build reported pushing (sha256:…), when its workflow reports one. */
  imageDigest?: string;
  runUrl?: string;
}

export interface BuildTimings {
  pollMs: number;
  /** How long a dispatched run may take to appear in the runs list before dispatching again. */
  runAppearTimeoutMs: number;
}

/** The artifact the template's "Report the image digest" step uploads. */
const DIGEST_ARTIFACT = /^switchyard-image-sha256-([0-9a-f]{64})$/;

interface BuildHeartbeat {
  dispatchedAt?: number;
  runId?: number;
}

export function createBuildActivities(clients: DeployClients, timings: BuildTimings) {
  async function githubActionsBuild(input: BuildInput): Promise<BuildResult> {
    const octokit = await clients.github(input.githubConnectionId);
    const { owner, repo } = input;
    const runName = `switchyard build ${input.correlationId}`;
    const previous = (Context.current().info.heartbeatDetails ?? {}) as BuildHeartbeat;
    let dispatchedAt = previous.dispatchedAt;

    const workflowFile = `.github/workflows/${input.buildWorkflow}`;
    const findRun = async () => {
      try {
        const { data } = await octokit.actions.listWorkflowRuns({
          owner,
          repo,
          workflow_id: input.buildWorkflow,
          event: 'workflow_dispatch',
          per_page: 50,
        });
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
          const { data } = await octokit.repos.compareCommitsWithBasehead({
            owner,
            repo,
            basehead: `${found.head_sha}...${input.sha}`,
            per_page: 1,
          });
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
        const { data } = await octokit.actions.listWorkflowRunArtifacts({ owner, repo, run_id: runId, per_page: 100 });
        const name = data.artifacts.map((a) => DIGEST_ARTIFACT.exec(a.name)).find(Boolean);
        return name ? `sha256:${name[1]}` : undefined;
      } catch (error) {
        throw githubBuildFailure(error, `${owner}/${repo}`, workflowFile);
      }
    };

    let run = await findRun();
    if (!run && dispatchedAt === undefined) {
      const region = (await clients.aws(input.awsConnectionId)).region;
      try {
        await octokit.actions.createWorkflowDispatch({
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
        });
      } catch (error) {
        throw githubBuildFailure(error, `${owner}/${repo}`, workflowFile, input.refIsCommit ? input.sha : undefined);
      }
      dispatchedAt = Date.now();
      Context.current().heartbeat({ dispatchedAt } satisfies BuildHeartbeat);
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
      Context.current().heartbeat({ dispatchedAt, runId: run?.id } satisfies BuildHeartbeat);
      await sleep(timings.pollMs);
      run = run ? (await octokit.actions.getWorkflowRun({ owner, repo, run_id: run.id })).data : undefined;
    }
  }

  async function dockerBuild(input: BuildInput): Promise<BuildResult> {
    const aws = await clients.aws(input.awsConnectionId);
    const registry = `${aws.accountId}.dkr.ecr.${aws.region}.amazonaws.com`;
    const image = `${registry}/${input.ecrRepository}:${input.imageTag}`;
    if ((await run('docker', ['info'])).code !== 0) {
      throw permanent(
        'DOCKER_BUILD_FAILED',
        'The docker builder needs a reachable Docker engine; none answered `docker info` (use the github-actions builder)',
      );
    }
    const auth = await aws.ecr.send(new GetAuthorizationTokenCommand({}));
    const [user, password] = Buffer.from(auth.authorizationData?.[0]?.authorizationToken ?? '', 'base64')
      .toString()
      .split(':');
    if ((await run('docker', ['login', '--username', user ?? 'AWS', '--password-stdin', registry], password)).code !== 0)
      throw permanent('DOCKER_BUILD_FAILED', 'docker login to ECR failed');
    const context = `https://github.com/${input.owner}/${input.repo}.git#${input.sha}`;
    const built = await run('docker', ['build', '-t', image, context]);
    if (built.code !== 0) throw permanent('DOCKER_BUILD_FAILED', `Docker build failed: ${built.tail}`);
    const pushed = await run('docker', ['push', image]);
    if (pushed.code !== 0) throw permanent('DOCKER_BUILD_FAILED', `docker push failed: ${pushed.tail}`);
    return { imageTag: input.imageTag };
  }

  return {
    async buildImage(input: BuildInput): Promise<BuildResult> {
      try {
        return input.builder === 'docker' ? await dockerBuild(input) : await githubActionsBuild(input);
      } catch (error) {
        throw asActivityFailure(error, 'DOCKER_BUILD_FAILED', 'Build');
      }
    },
  };
}

/**
 * GitHub's answers about the build workflow as permanent DOCKER_BUILD_FAILED failures that say
 * what to fix; rate limits, 5xx and network errors stay retryable.
 */
function githubBuildFailure(error: unknown, repository: string, workflowFile: string, commit?: string): ApplicationFailure {
  if (error instanceof ApplicationFailure) return error;
  const e = error as { status?: number; message?: string; response?: { headers?: Record<string, string | undefined> } };
  const said = (e.message ?? String(error)).replace(/ - https:\/\/docs\.github\.com\S*$/, '');
  const template = 'copy templates/github-actions/switchyard-build.yml there';
  switch (e.status) {
    case 404:
      return permanent(
        'DOCKER_BUILD_FAILED',
        `Build workflow ${workflowFile} not found in ${repository} (${template}, on the default branch)`,
      );
    case 403:
      if (isGitHubRateLimit(error)) return ApplicationFailure.retryable(`GitHub ${repository}: ${said}`, 'TransientRateLimit');
      return permanent(
        'DOCKER_BUILD_FAILED',
        `The GitHub token may not run ${workflowFile} in ${repository}: ${said} (a fine-grained token needs the Actions read and write permission, a classic token the repo and workflow scopes)`,
      );
    case 422:
      if (/disabled workflow/i.test(said))
        return permanent(
          'DOCKER_BUILD_FAILED',
          `Build workflow ${workflowFile} is disabled in ${repository} (enable it in the repository's Actions tab): ${said}`,
        );
      if (/Unexpected inputs/i.test(said) && commit) {
        return permanent(
          'DOCKER_BUILD_FAILED',
          `Build workflow ${workflowFile} in ${repository} does not declare the 'sha' input needed to build commit ${commit.slice(0, 7)} (${template} again): ${said}`,
        );
      }
      return permanent('DOCKER_BUILD_FAILED', `GitHub refused to dispatch ${workflowFile} in ${repository}: ${said}`);
    default:
      return asActivityFailure(error, 'DOCKER_BUILD_FAILED', `GitHub ${repository}`);
  }
}

/** Runs a command with a heartbeat every few seconds; returns its exit code and last output. */
function run(command: string, args: string[], stdin?: string): Promise<{ code: number; tail: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let tail = '';
    const keep = (chunk: Buffer) => {
      tail = (tail + chunk.toString()).slice(-500);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const beat = setInterval(() => Context.current().heartbeat(), 5000);
    child.once('error', () => {
      clearInterval(beat);
      resolve({ code: 127, tail: `${command} not found` });
    });
    child.once('close', (code) => {
      clearInterval(beat);
      resolve({ code: code ?? 1, tail });
    });
    child.stdin.end(stdin ?? '');
  });
}
