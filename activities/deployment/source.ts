// Stage 1, first half: the ref exists and has a Dockerfile. A version that is a commit (not a
// branch or tag) cannot be a workflow_dispatch ref, so the build is dispatched on the ref that
// contains it (the deployment's branch, else a tag) and pinned to the commit. A commit that no
// branch or tag of the repository contains (a fork's commit, which GitHub serves through the
// parent repository) is refused here, before any build is dispatched.
import { findCommitHome } from '../../common/commit-home.js';
import { commitNotInRepositoryMessage, isCommitRef } from '../../domain/source-provenance.js';
import type { DeployClients } from './clients.js';
import { asActivityFailure, permanent } from './errors.js';

export interface ResolveSourceInput {
  githubConnectionId: string;
  owner: string;
  repo: string;
  /** The version or branch to deploy: a branch, a tag or a commit SHA. */
  ref: string;
  /** The deployment's branch: where a commit's build is dispatched (absent in older histories). */
  branch?: string;
}

export interface ResolvedSource {
  sha: string;
  /** The branch or tag to dispatch the build on: `ref` itself, or for a commit the ref containing it. */
  ref: string;
  /** True when the requested ref was a commit: the build must check out `sha`, not the ref's head. */
  isCommit?: boolean;
  dockerfilePath: string;
  /** The commit's date (committer date, else author date): the start of its lead time to production. */
  committedAt?: string;
}

const DOCKERFILE = 'Dockerfile';

export function createSourceActivities(clients: DeployClients) {
  return {
    async resolveSource({ githubConnectionId, owner, repo, ref, branch }: ResolveSourceInput): Promise<ResolvedSource> {
      const octokit = await clients.github(githubConnectionId);
      let sha: string;
      let committedAt: string | undefined;
      try {
        const { data } = await octokit.repos.getCommit({ owner, repo, ref });
        sha = data.sha;
        committedAt = data.commit.committer?.date ?? data.commit.author?.date ?? undefined;
      } catch (error) {
        const status = (error as { status?: number }).status;
        if (status === 404 || status === 422) throw permanent('DOCKER_BUILD_FAILED', `Ref not found in ${owner}/${repo}: ${ref}`);
        throw asActivityFailure(error, 'DOCKER_BUILD_FAILED', `GitHub ${owner}/${repo}`);
      }
      // getCommit prefers branches and tags; a ref that is a prefix of the commit it resolved to is a SHA.
      const isCommit = isCommitRef(ref, sha);
      let dispatchRef = ref;
      if (isCommit) {
        // Older histories carry no branch: the repository's default branch stands in for it.
        let found: Awaited<ReturnType<typeof findCommitHome>>;
        let onBranch = branch;
        try {
          onBranch ??= (await octokit.repos.get({ owner, repo })).data.default_branch;
          found = await findCommitHome(octokit, { owner, repo, branch: onBranch, sha });
        } catch (error) {
          throw asActivityFailure(error, 'DOCKER_BUILD_FAILED', `GitHub ${owner}/${repo}`);
        }
        if (!found.home)
          throw permanent(
            'DOCKER_BUILD_FAILED',
            commitNotInRepositoryMessage({ sha, owner, repo, branch: onBranch, tagsChecked: found.tagsChecked }),
          );
        dispatchRef = found.home.name;
      }
      try {
        await octokit.repos.getContent({ owner, repo, path: DOCKERFILE, ref: sha });
      } catch (error) {
        if ((error as { status?: number }).status === 404) throw permanent('DOCKER_BUILD_FAILED', 'Dockerfile not found in repository');
        throw asActivityFailure(error, 'DOCKER_BUILD_FAILED', `GitHub ${owner}/${repo}`);
      }
      return {
        sha,
        ref: dispatchRef,
        ...(isCommit ? { isCommit: true } : {}),
        dockerfilePath: DOCKERFILE,
        ...(committedAt ? { committedAt } : {}),
      };
    },
  };
}
