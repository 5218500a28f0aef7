// Stages 1 and 2: the image is built from the resolved commit, then found in ECR by its digest.
// The commit and the digest are the deployment's provenance: in its result, its events and (for
// runs since 'provenance-search-attributes') its search attributes.
import { patched } from '@temporalio/workflow';
import { DeployCommitSha, DeployImageDigest } from '../../../common/search-attributes.js';
import { stageEvent, type DeploymentContext } from '../context.js';
import { STAGE_MESSAGES as M } from '../stage-texts.js';
import type { DeploymentInput } from '../types.js';
import { runStage } from './run-stage.js';
import { indexLater } from '../visibility.js';

export function buildStage(ctx: DeploymentContext) {
  const { input, state, acts, aws, workflowId } = ctx;
  const { target } = input;
  return runStage(ctx, 1, async () => {
    stageEvent(ctx, M.buildStart);
    const source = await acts.resolveSource({
      githubConnectionId: input.githubConnectionId,
      owner: input.owner,
      repo: input.repo,
      ref: input.version ?? input.branch,
      branch: input.branch,
    });
    state.sha = source.sha;
    // Only in the result (no command): older histories replay with it absent.
    if (source.committedAt) state.committedAt = source.committedAt;
    if (patched(PROVENANCE_PATCH)) indexLater(ctx.visibility, { key: DeployCommitSha, value: source.sha });
    stageEvent(ctx, M.cloned, { path: `${input.owner}/${input.repo}@${source.sha.slice(0, 7)}`, commitSha: source.sha });
    stageEvent(ctx, M.dockerfileFound, { path: source.dockerfilePath });
    // A tag per deployment: a repository with immutable tags refuses a second push of the same tag.
    const imageTag = imageTagFor(input, source.sha, patched('per-deployment-image-tag'));
    const build = await acts.buildImage({
      githubConnectionId: input.githubConnectionId,
      ...aws,
      owner: input.owner,
      repo: input.repo,
      sha: source.sha,
      ref: source.ref,
      ...(source.isCommit ? { refIsCommit: true } : {}),
      builder: input.builder,
      buildWorkflow: target.buildWorkflow,
      correlationId: input.deploymentId,
      ecrRepository: target.ecrRepository,
      imageTag,
      workflowId,
    });
    state.imageTag = imageTag;
    stageEvent(ctx, M.built, { imageName: imageTag, ...(build.runUrl ? { buildUrl: build.runUrl } : {}) });
    return build;
  });
}

/** Returns the image's URI. */
export function pushStage(ctx: DeploymentContext, imageTag: string, reportedDigest?: string): Promise<string> {
  const {
    input: { target },
    state,
    acts,
    aws,
  } = ctx;
  return runStage(ctx, 2, async () => {
    stageEvent(ctx, M.pushStart);
    const image = await acts.ensureEcrImage({
      ...aws,
      repository: target.ecrRepository,
      imageTag,
      ...(reportedDigest ? { expectedDigest: reportedDigest } : {}),
    });
    stageEvent(ctx, M.repositoryChecked, { repository: target.ecrRepository });
    stageEvent(ctx, M.ecrLoggedIn);
    stageEvent(ctx, M.pushed, { uri: image.imageUri, digest: image.imageDigest, imageDigest: image.imageDigest, commitSha: state.sha });
    state.imageUri = image.imageUri;
    state.imageDigest = image.imageDigest;
    if (patched(PROVENANCE_PATCH)) indexLater(ctx.visibility, { key: DeployImageDigest, value: image.imageDigest });
    return image.imageUri;
  });
}

const PROVENANCE_PATCH = 'provenance-search-attributes';

function imageTagFor(input: DeploymentInput, sha: string, perDeployment: boolean): string {
  const clean = (raw: string) => raw.toLowerCase().replace(/[^a-z0-9._-]+/g, '-');
  const suffix = perDeployment ? `-${clean(input.deploymentId)}` : '';
  return clean(`${input.owner}-${input.repo}-${input.version ?? input.branch}-${sha.slice(0, 7)}`).slice(0, 128 - suffix.length) + suffix;
}
