// Stage 1, first half: the ref exists and has a Dockerfile.
import type { DeployClients } from './clients.js';
import { asActivityFailure, permanent } from './errors.js';

export interface ResolveSourceInput {
  githubConnectionId: string;
  owner: string;
  repo: string;
  ref: string;
}

export interface ResolvedSource {
  sha: string;
  ref: string;
  dockerfilePath: string;
}

const DOCKERFILE = 'Dockerfile';

export function createSourceActivities(clients: DeployClients) {
  return {
    async resolveSource({ githubConnectionId, owner, repo, ref }: ResolveSourceInput): Promise<ResolvedSource> {
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
      return { sha, ref, dockerfilePath: DOCKERFILE };
    },
  };
}
