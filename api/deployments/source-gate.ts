// Before admission: a deployment of a commit that no branch or tag of its repository contains (a
// fork's commit, which GitHub serves through the parent repository) is refused with a 400, so the
// client hears why and nothing starts. The same rule (domain/source-provenance.ts) runs again in
// the source activity, which is what enforces it; this is the early, friendly answer. GitHub
// trouble here refuses nothing: the activity asks again, and retries.
import { Octokit } from '@octokit/rest';
import { findCommitHome } from '../../common/commit-home.js';
import type { ConnectionStore } from '../../common/connections/connection-store.js';
import { commitNotInRepositoryMessage, isCommitRef } from '../../domain/source-provenance.js';
import { ApiError, DEPLOYMENT_ERROR } from '../errors.js';
import type { DeployRequest } from './deploy-request-schemas.js';

export type SourceGate = (request: Pick<DeployRequest, 'githubConnectionId' | 'owner' | 'repo' | 'branch' | 'version'>) => Promise<void>;

export function createSourceGate(connections: ConnectionStore, githubApiUrl: string, timeoutMs = 10_000): SourceGate {
  return async ({ githubConnectionId, owner, repo, branch, version }) => {
    // Only a version that may be a SHA needs the question; branch and tag names are the repository's own refs.
    if (!version || !/^[0-9a-f]{7,40}$/i.test(version)) return;
    const resolved = await connections.githubSecret(githubConnectionId);
    if (!resolved) return; // the deployment service answers "GitHub connection not found"
    const octokit = new Octokit({ auth: resolved.secret.token, baseUrl: githubApiUrl, request: { timeout: timeoutMs, retries: 0 } });
    let found: Awaited<ReturnType<typeof findCommitHome>>;
    let sha: string;
    try {
      sha = (await octokit.repos.getCommit({ owner, repo, ref: version })).data.sha;
      if (!isCommitRef(version, sha)) return;
      found = await findCommitHome(octokit, { owner, repo, branch, sha });
    } catch {
      return; // a missing ref or GitHub trouble: the source activity reports it
    }
    if (!found.home) {
      throw new ApiError(
        400,
        commitNotInRepositoryMessage({ sha, owner, repo, branch, tagsChecked: found.tagsChecked }),
        { version, commitSha: sha },
        DEPLOYMENT_ERROR,
      );
    }
  };
}
