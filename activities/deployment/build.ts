// Stage 1, second half: build and push the image.
//  - github-actions (default): dispatch the app repository's build workflow with the deployment
//    id as correlation id, find the run by its run-name, follow it to the end with heartbeats.
//    Look-up before dispatch, so a retried or re-run activity never starts a second build.
//  - docker: `docker build` from the repository's git URL and `docker push` to ECR, where a
//    Docker engine is reachable.
import { spawn } from 'node:child_process';
import { GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { Context, sleep } from '@temporalio/activity';
import type { Builder } from '../../workflows/deployment/types.js';
import type { DeployClients } from './clients.js';
import { asActivityFailure, permanent } from './errors.js';
import { reportProgress } from './progress.js';
import { STAGE_MESSAGES } from '../../workflows/deployment/stage-messages.js';

export interface BuildInput {
  githubConnectionId: string;
  awsConnectionId: string;
  owner: string;
  repo: string;
  sha: string;
  ref: string;
  builder: Builder;
  buildWorkflow: string;
  correlationId: string;
  ecrRepository: string;
  imageTag: string;
  workflowId: string;
}

export interface BuildResult {
  imageTag: string;
  runUrl?: string;
}

export interface BuildTimings {
  pollMs: number;
  /** How long a dispatched run may take to appear in the runs list before dispatching again. */
  runAppearTimeoutMs: number;
}

interface BuildHeartbeat { dispatchedAt?: number; runId?: number }

export function createBuildActivities(clients: DeployClients, timings: BuildTimings) {
  async function githubActionsBuild(input: BuildInput): Promise<BuildResult> {
    const octokit = await clients.github(input.githubConnectionId);
    const { owner, repo } = input;
    const runName = `switchyard build ${input.correlationId}`;
    const previous = (Context.current().info.heartbeatDetails ?? {}) as BuildHeartbeat;
    let dispatchedAt = previous.dispatchedAt;

    const findRun = async () => {
      const { data } = await octokit.actions.listWorkflowRuns({ owner, repo, workflow_id: input.buildWorkflow, event: 'workflow_dispatch', per_page: 50 });
      return data.workflow_runs.find((run) => run.display_title === runName);
    };

    let run = await findRun();
    if (!run && dispatchedAt === undefined) {
      const region = (await clients.aws(input.awsConnectionId)).region;
      try {
        await octokit.actions.createWorkflowDispatch({
          owner, repo, workflow_id: input.buildWorkflow, ref: input.ref,
          inputs: { correlation_id: input.correlationId, ecr_repository: input.ecrRepository, image_tag: input.imageTag, aws_region: region },
        });
      } catch (error) {
        if ((error as { status?: number }).status === 404) {
          throw permanent('DOCKER_BUILD_FAILED', `Build workflow .github/workflows/${input.buildWorkflow} not found in ${owner}/${repo} (copy templates/github-actions/switchyard-build.yml there)`);
        }
        throw error;
      }
      dispatchedAt = Date.now();
      Context.current().heartbeat({ dispatchedAt } satisfies BuildHeartbeat);
    }
    let reportedRunning = false;
    for (;;) {
      run ??= await findRun();
      if (!run) {
        if (Date.now() - (dispatchedAt ?? 0) > timings.runAppearTimeoutMs) throw permanent('DOCKER_BUILD_FAILED', `The build run "${runName}" never appeared in ${owner}/${repo}`);
      } else if (run.status === 'completed') {
        if (run.conclusion !== 'success') throw permanent('DOCKER_BUILD_FAILED', `Docker build failed: GitHub Actions run ${run.id} concluded ${run.conclusion}`);
        return { imageTag: input.imageTag, runUrl: run.html_url };
      } else if (!reportedRunning) {
        reportedRunning = true;
        await reportProgress(input.workflowId, [{ key: `build:${run.id}:running`, stage: 1, message: STAGE_MESSAGES.buildRunning, details: { buildUrl: run.html_url, runId: run.id } }]);
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
      throw permanent('DOCKER_BUILD_FAILED', 'The docker builder needs a reachable Docker engine; none answered `docker info` (use the github-actions builder)');
    }
    const auth = await aws.ecr.send(new GetAuthorizationTokenCommand({}));
    const [user, password] = Buffer.from(auth.authorizationData?.[0]?.authorizationToken ?? '', 'base64').toString().split(':');
    if ((await run('docker', ['login', '--username', user ?? 'AWS', '--password-stdin', registry], password)).code !== 0) throw permanent('DOCKER_BUILD_FAILED', 'docker login to ECR failed');
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

/** Runs a command with a heartbeat every few seconds; returns its exit code and last output. */
function run(command: string, args: string[], stdin?: string): Promise<{ code: number; tail: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let tail = '';
    const keep = (chunk: Buffer) => { tail = (tail + chunk.toString()).slice(-500); };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const beat = setInterval(() => Context.current().heartbeat(), 5000);
    child.once('error', () => { clearInterval(beat); resolve({ code: 127, tail: `${command} not found` }); });
    child.once('close', (code) => { clearInterval(beat); resolve({ code: code ?? 1, tail }); });
    child.stdin.end(stdin ?? '');
  });
}
