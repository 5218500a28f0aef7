// Which commits may be deployed, as pure rules. GitHub serves every commit of a fork network
// through the parent repository (GET /repos/{owner}/{repo}/commits/{sha} answers for a commit
// pushed only to a fork), so "GitHub knows this SHA" proves nothing about who wrote it. A commit
// is deployed only when the repository's own refs contain it: the deployment's branch or a tag.
// The API (before admission) and the source activity (before any build) apply the same rules.

/** True when `ref` names a commit by its SHA (or a prefix of 7+): what GitHub resolved it to starts with it. */
export function isCommitRef(ref: string, resolvedSha: string): boolean {
  return /^[0-9a-f]{7,40}$/i.test(ref) && resolvedSha.toLowerCase().startsWith(ref.toLowerCase());
}

/** Statuses of GitHub's compare API (`GET …/compare/{base}...{head}`). */
export type CompareStatus = 'identical' | 'ahead' | 'behind' | 'diverged';

/**
 * Compare with base = a branch or tag and head = the commit: the commit is contained in the ref
 * when it is the ref's head (identical) or one of its ancestors (the head is behind the base).
 * `ahead` and `diverged` mean the commit has history the ref lacks: a fork's commit, say.
 */
export function refContainsCommit(status: string): boolean {
  return status === 'identical' || status === 'behind';
}

/** Where a commit was found: the ref the build is dispatched on. */
export interface CommitHome {
  kind: 'branch' | 'tag';
  name: string;
}

/** The refusal of a commit found on neither the branch nor any tag, naming the rule. */
export function commitNotInRepositoryMessage(p: { sha: string; owner: string; repo: string; branch: string; tagsChecked: number }): string {
  const tags = p.tagsChecked > 0 ? ` nor in any of its ${p.tagsChecked} newest tags` : ' and the repository has no tags';
  return (
    `Commit ${p.sha.slice(0, 12)} is not on branch ${p.branch} of ${p.owner}/${p.repo}${tags}: ` +
    "only commits reachable from the deployment's branch or a tag of the connected repository are deployed " +
    '(GitHub also serves commits pushed to forks, which are refused)'
  );
}

/** How many of a repository's newest tags are searched for a commit that is not on the branch. */
export const TAGS_SEARCHED = 30;

/**
 * The run the build produced must be the revision asked for. A branch or tag build runs the ref's
 * head, so the run's head_sha is the commit itself; a commit build runs on a branch and checks out
 * the commit (the template's `sha` input), so its head_sha must contain the commit instead.
 */
export function runRevisionRefusal(p: {
  expectedSha: string;
  headSha: string;
  isCommit: boolean;
  headContainsCommit?: boolean;
  runId: number;
}): string | undefined {
  if (!p.isCommit) {
    if (p.headSha === p.expectedSha) return undefined;
    return (
      `GitHub Actions run ${p.runId} built ${p.headSha.slice(0, 12)}, not the resolved commit ${p.expectedSha.slice(0, 12)} ` +
      '(the ref moved between resolving and dispatching): its image is not deployed; deploy again'
    );
  }
  if (p.headContainsCommit) return undefined;
  return `GitHub Actions run ${p.runId} ran on ${p.headSha.slice(0, 12)}, which does not contain commit ${p.expectedSha.slice(0, 12)}: its image is not deployed`;
}

/** An image digest as ECR reports it. */
export function isImageDigest(value: string): boolean {
  return /^sha256:[0-9a-f]{64}$/.test(value);
}

/** The image reference a task definition names: the repository by digest, never by a (movable) tag. */
export function imageByDigest(repositoryUri: string, digest: string): string {
  if (!isImageDigest(digest)) throw new Error(`Not an image digest: ${digest}`);
  return `${repositoryUri}@${digest}`;
}

/** A build that reported a digest must have pushed what ECR now holds under the tag. */
export function digestMismatchMessage(p: { repository: string; imageTag: string; reported: string; inEcr: string }): string | undefined {
  if (p.reported === p.inEcr) return undefined;
  return (
    `Image ${p.repository}:${p.imageTag} in ECR is ${p.inEcr}, but the build pushed ${p.reported}: ` +
    'the tag was moved to other content after the build, and is not deployed'
  );
}
