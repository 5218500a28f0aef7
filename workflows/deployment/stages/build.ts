// Stages 1 and 2: the image is built from the resolved commit, then found in ECR.
import { stageEvent, type DeploymentContext } from '../context.js';
import { STAGE_MESSAGES as M } from '../stage-messages.js';
import type { DeploymentInput } from '../types.js';
import { runStage } from './run-stage.js';

export function buildStage(ctx: DeploymentContext) {
  const { input, state, acts, aws, workflowId } = ctx;
  const { target } = input;
  return runStage(ctx, 1, async () => {
    stageEvent(ctx, M.buildStart);
    const source = await acts.resolveSource({ githubConnectionId: input.githubConnectionId, owner: input.owner, repo: input.repo, ref: input.version ?? input.branch, branch: input.branch });
    state.sha = source.sha;
    stageEvent(ctx, M.cloned, { path: `${input.owner}/${input.repo}@${source.sha.slice(0, 7)}` });
    stageEvent(ctx, M.dockerfileFound, { path: source.dockerfilePath });
    const imageTag = imageTagFor(input, source.sha);
    const build = await acts.buildImage({
      githubConnectionId: input.githubConnectionId, ...aws, owner: input.owner, repo: input.repo, sha: source.sha, ref: source.ref,
      ...(source.isCommit ? { refIsCommit: true } : {}),
      builder: input.builder, buildWorkflow: target.buildWorkflow, correlationId: input.deploymentId, ecrRepository: target.ecrRepository, imageTag, workflowId,
    });
    state.imageTag = imageTag;
    stageEvent(ctx, M.built, { imageName: imageTag, ...(build.runUrl ? { buildUrl: build.runUrl } : {}) });
    return build;
  });
}

/** Returns the image's URI. */
export function pushStage(ctx: DeploymentContext, imageTag: string): Promise<string> {
  const { input: { target }, state, acts, aws } = ctx;
  return runStage(ctx, 2, async () => {
    stageEvent(ctx, M.pushStart);
    const image = await acts.ensureEcrImage({ ...aws, repository: target.ecrRepository, imageTag });
    stageEvent(ctx, M.repositoryChecked, { repository: target.ecrRepository });
    stageEvent(ctx, M.ecrLoggedIn);
    stageEvent(ctx, M.pushed, { uri: image.imageUri, digest: image.imageDigest });
    state.imageUri = image.imageUri;
    return image.imageUri;
  });
}

function imageTagFor(input: DeploymentInput, sha: string): string {
  const raw = `${input.owner}-${input.repo}-${input.version ?? input.branch}-${sha.slice(0, 7)}`;
  return raw.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').slice(0, 128);
}
