// Stage 1, first half: the ref exists and has a Dockerfile. A version that is a commit (not a
// branch or tag) cannot be a workflow_dispatch ref, so the build is dispatched on the deployment's
// branch (or the default branch when that does not exist or does not contain the commit) and
// pinned to the commit.
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
  /** The branch or tag to dispatch the build on: `ref` itself, or for a commit a branch. */
  ref: string;
  /** True when the requested ref was a commit: the build must check out `sha`, not the ref's head. */
  isCommit?: boolean;
  dockerfilePath: string;
}

const DOCKERFILE = 'Dockerfile';

type GitHub = Awaited<ReturnType<DeployClients['github']>>;

/** The deployment's branch when it exists and contains the commit, else the repository's default branch. */
async function dispatchBranch(octokit: GitHub, owner: string, repo: string, sha: string, branch: string | undefined): Promise<string> {
  if (branch) {
    try {
      const { data } = await octokit.repos.compareCommitsWithBasehead({ owner, repo, basehead: `${sha}...${branch}`, per_page: 1 });
      if (data.status === 'ahead' || data.status === 'identical') return branch;
    } catch (error) {
      // 404: the branch does not exist.
      if ((error as { status?: number }).status !== 404) throw error;
    }
  }
  return (await octokit.repos.get({ owner, repo })).data.default_branch;
}

export function createSourceActivities(clients: DeployClients) {
  return {
    async resolveSource({ githubConnectionId, owner, repo, ref, branch }: ResolveSourceInput): Promise<ResolvedSource> {
      const octokit = await clients.github(githubConnectionId);
      let sha: string;
      try {
        sha = (await octokit.repos.getCommit({ owner, repo, ref })).data.sha;
      } catch (error) {
        const status = (error as { status?: number }).status;
        if (status === 404 || status === 422) throw permanent('DOCKER_BUILD_FAILED', `Ref not found in ${owner}/${repo}: ${ref}`);
        throw asActivityFailure(error, 'DOCKER_BUILD_FAILED', `GitHub ${owner}/${repo}`);
      }
      try {
        await octokit.repos.getContent({ owner, repo, path: DOCKERFILE, ref: sha });
      } catch (error) {
        if ((error as { status?: number }).status === 404) throw permanent('DOCKER_BUILD_FAILED', 'Dockerfile not found in repository');
        throw asActivityFailure(error, 'DOCKER_BUILD_FAILED', `GitHub ${owner}/${repo}`);
      }
      // getCommit prefers branches and tags; a ref that is a prefix of the commit it resolved to is a SHA.
      if (!/^[0-9a-f]{7,40}$/i.test(ref) || !sha.startsWith(ref.toLowerCase())) return { sha, ref, dockerfilePath: DOCKERFILE };
      try {
        return { sha, ref: await dispatchBranch(octokit, owner, repo, sha, branch), isCommit: true, dockerfilePath: DOCKERFILE };
      } catch (error) {
        throw asActivityFailure(error, 'DOCKER_BUILD_FAILED', `GitHub ${owner}/${repo}`);
      }
    },
  };
}
