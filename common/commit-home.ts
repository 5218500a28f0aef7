// Asks GitHub where a commit lives in a repository: on the deployment's branch, else in one of the
// newest tags (compare API, base = the ref, head = the commit). Shared by the API, which refuses a
// fork's commit with a 400 before admission, and the source activity, which refuses it before any
// build is dispatched. The rule itself is domain/source-provenance.ts.
import type { Octokit } from '@octokit/rest';
import { refContainsCommit, TAGS_SEARCHED, type CommitHome } from '../domain/source-provenance.js';

interface Where {
  owner: string;
  repo: string;
  branch: string;
  sha: string;
}

async function contains(octokit: Octokit, owner: string, repo: string, base: string, sha: string): Promise<boolean> {
  try {
    const { data } = await octokit.repos.compareCommitsWithBasehead({ owner, repo, basehead: `${base}...${sha}`, per_page: 1 });
    return refContainsCommit(data.status);
  } catch (error) {
    // 404: the ref does not exist (a deleted branch), which contains nothing.
    if ((error as { status?: number }).status === 404) return false;
    throw error;
  }
}

/** The branch or tag containing `sha`; undefined when none does. Other GitHub errors are thrown. */
export async function findCommitHome(
  octokit: Octokit,
  { owner, repo, branch, sha }: Where,
): Promise<{ home?: CommitHome; tagsChecked: number }> {
  if (await contains(octokit, owner, repo, branch, sha)) return { home: { kind: 'branch', name: branch }, tagsChecked: 0 };
  const { data: tags } = await octokit.repos.listTags({ owner, repo, per_page: TAGS_SEARCHED });
  // A tag on the commit itself needs no further call; otherwise newest first, one compare each.
  const exact = tags.find((tag) => tag.commit.sha === sha);
  if (exact) return { home: { kind: 'tag', name: exact.name }, tagsChecked: 0 };
  for (const tag of tags) {
    if (await contains(octokit, owner, repo, tag.name, sha)) return { home: { kind: 'tag', name: tag.name }, tagsChecked: 0 };
  }
  return { tagsChecked: tags.length };
}
