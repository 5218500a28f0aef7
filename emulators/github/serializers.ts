// The JSON GitHub's REST API v3 returns for each object, trimmed to the fields clients read but
// keeping GitHub's names, nesting, nulls and URL fields (so Octokit's typed responses hold).
import { createHash } from 'node:crypto';
import { stableNumericId } from './git-objects.js';
import type { Commit, EmulatedRepository } from './repository.js';
import type { Workflow } from './state.js';
import type { WorkflowRun } from './workflow-run.js';

/** `api`: this emulator's base URL as the client reached it; `html`: where web links point. */
export interface Urls {
  api: string;
  html: string;
}

const nodeId = (type: string, id: number | string) => Buffer.from(`${type}${id}`).toString('base64');

export function ownerJson(login: string, urls: Urls, type: 'User' | 'Organization' = 'Organization') {
  const id = stableNumericId(`owner:${login.toLowerCase()}`);
  return {
    login,
    id,
    node_id: nodeId('04:User', id),
    avatar_url: `${urls.html}/${login}.png`,
    gravatar_id: '',
    url: `${urls.api}/users/${login}`,
    html_url: `${urls.html}/${login}`,
    type,
    site_admin: false,
  };
}

export function repositoryJson(repo: EmulatedRepository, urls: Urls, canPush: boolean) {
  const api = `${urls.api}/repos/${repo.fullName}`;
  return {
    id: repo.id,
    node_id: nodeId('010:Repository', repo.id),
    name: repo.name,
    full_name: repo.fullName,
    private: repo.private,
    owner: ownerJson(repo.owner, urls),
    html_url: `${urls.html}/${repo.fullName}`,
    description: repo.description,
    fork: false,
    url: api,
    branches_url: `${api}/branches{/branch}`,
    tags_url: `${api}/tags`,
    contents_url: `${api}/contents/{+path}`,
    commits_url: `${api}/commits{/sha}`,
    git_refs_url: `${api}/git/refs{/sha}`,
    clone_url: `${urls.html}/${repo.fullName}.git`,
    created_at: repo.createdAt,
    updated_at: repo.createdAt,
    pushed_at: latestCommitDate(repo) ?? repo.createdAt,
    size: [...repo.blobs.values()].reduce((sum, blob) => sum + blob.length, 0),
    visibility: repo.private ? 'private' : 'public',
    archived: false,
    disabled: false,
    has_issues: true,
    default_branch: repo.defaultBranch,
    permissions: { admin: false, maintain: canPush, push: canPush, triage: canPush, pull: true },
  };
}

export function commitJson(repo: EmulatedRepository, commit: Commit, urls: Urls) {
  const api = `${urls.api}/repos/${repo.fullName}`;
  const person = { name: commit.author.name, email: commit.author.email, date: commit.author.date };
  return {
    sha: commit.sha,
    node_id: nodeId('06:Commit', commit.sha),
    commit: {
      author: person,
      committer: person,
      message: commit.message,
      tree: { sha: treeSha(commit), url: `${api}/git/trees/${treeSha(commit)}` },
      url: `${api}/git/commits/${commit.sha}`,
      comment_count: 0,
      verification: { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null },
    },
    url: `${api}/commits/${commit.sha}`,
    html_url: `${urls.html}/${repo.fullName}/commit/${commit.sha}`,
    comments_url: `${api}/commits/${commit.sha}/comments`,
    author: null,
    committer: null,
    parents: commit.parents.map((sha) => ({ sha, url: `${api}/commits/${sha}`, html_url: `${urls.html}/${repo.fullName}/commit/${sha}` })),
  };
}

export function branchJson(repo: EmulatedRepository, name: string, branch: { sha: string; protected: boolean }, urls: Urls) {
  const api = `${urls.api}/repos/${repo.fullName}`;
  return {
    name,
    commit: commitJson(repo, repo.commit(branch.sha), urls),
    _links: { self: `${api}/branches/${name}`, html: `${urls.html}/${repo.fullName}/tree/${name}` },
    protected: branch.protected,
    protection: { enabled: branch.protected, required_status_checks: { enforcement_level: 'off', contexts: [], checks: [] } },
    protection_url: `${api}/branches/${name}/protection`,
  };
}

export function branchSummaryJson(repo: EmulatedRepository, name: string, branch: { sha: string; protected: boolean }, urls: Urls) {
  return {
    name,
    commit: { sha: branch.sha, url: `${urls.api}/repos/${repo.fullName}/commits/${branch.sha}` },
    protected: branch.protected,
  };
}

export function tagJson(repo: EmulatedRepository, name: string, sha: string, urls: Urls) {
  const api = `${urls.api}/repos/${repo.fullName}`;
  return {
    name,
    commit: { sha, url: `${api}/commits/${sha}` },
    zipball_url: `${api}/zipball/refs/tags/${name}`,
    tarball_url: `${api}/tarball/refs/tags/${name}`,
    node_id: nodeId('03:Ref', `${repo.id}:refs/tags/${name}`),
  };
}

export function refJson(repo: EmulatedRepository, ref: string, sha: string, urls: Urls) {
  const api = `${urls.api}/repos/${repo.fullName}`;
  return {
    ref,
    node_id: nodeId('03:Ref', `${repo.id}:${ref}`),
    url: `${api}/git/${ref}`,
    // Lightweight tags and branches both point straight at a commit.
    object: { sha, type: 'commit', url: `${api}/git/commits/${sha}` },
  };
}

interface ContentEntry {
  name: string;
  path: string;
  type: 'file' | 'dir';
  sha?: string;
  size?: number;
}

/** `ref` as the client asked for it (it appears in URLs), `commitSha` what it resolved to. */
export function contentEntryJson(repo: EmulatedRepository, entry: ContentEntry, ref: string, commitSha: string, urls: Urls) {
  const api = `${urls.api}/repos/${repo.fullName}`;
  const self = `${api}/contents/${entry.path}?ref=${encodeURIComponent(ref)}`;
  const sha = entry.sha ?? treeShaOf(`${commitSha}:${entry.path}`);
  const git = `${api}/git/${entry.type === 'file' ? 'blobs' : 'trees'}/${sha}`;
  const html = `${urls.html}/${repo.fullName}/${entry.type === 'file' ? 'blob' : 'tree'}/${ref}/${entry.path}`;
  return {
    type: entry.type,
    name: entry.name,
    path: entry.path,
    sha,
    size: entry.size ?? 0,
    url: self,
    html_url: html,
    git_url: git,
    download_url: entry.type === 'file' ? rawUrl(repo, commitSha, entry.path, urls) : null,
    _links: { self, git, html },
  };
}

/** Where a file's bytes can be downloaded (GitHub's raw.githubusercontent.com). */
export function rawUrl(repo: EmulatedRepository, commitSha: string, path: string, urls: Urls): string {
  return `${urls.api}/_emulator/github/raw/${repo.fullName}/${commitSha}/${path}`;
}

export function fileJson(
  repo: EmulatedRepository,
  path: string,
  file: { content: Buffer; sha: string },
  ref: string,
  commitSha: string,
  urls: Urls,
) {
  const name = path.split('/').at(-1)!;
  return {
    ...contentEntryJson(repo, { name, path, type: 'file', sha: file.sha, size: file.content.length }, ref, commitSha, urls),
    // GitHub wraps the base64 at 60 characters; Buffer.from(content, 'base64') ignores the newlines.
    encoding: 'base64',
    content: file.content.toString('base64').replace(/.{60}/g, '$&\n'),
  };
}

export function workflowJson(repo: EmulatedRepository, workflow: Workflow, urls: Urls) {
  return {
    id: workflow.id,
    node_id: nodeId('08:Workflow', workflow.id),
    name: workflow.name,
    path: workflow.path,
    state: workflow.state,
    created_at: repo.createdAt,
    updated_at: repo.createdAt,
    url: `${urls.api}/repos/${repo.fullName}/actions/workflows/${workflow.id}`,
    html_url: `${urls.html}/${repo.fullName}/blob/${repo.defaultBranch}/${workflow.path}`,
    badge_url: `${urls.html}/${repo.fullName}/workflows/${encodeURIComponent(workflow.name)}/badge.svg`,
  };
}

export function workflowRunJson(run: WorkflowRun, urls: Urls) {
  const repo = run.repository;
  const api = `${urls.api}/repos/${repo.fullName}`;
  const runApi = `${api}/actions/runs/${run.id}`;
  const commit = repo.commit(run.headSha);
  const actor = ownerJson(run.actor, urls, 'User');
  const repository = {
    id: repo.id,
    node_id: nodeId('010:Repository', repo.id),
    name: repo.name,
    full_name: repo.fullName,
    private: repo.private,
    owner: ownerJson(repo.owner, urls),
    html_url: `${urls.html}/${repo.fullName}`,
    url: api,
  };
  return {
    id: run.id,
    name: run.workflowName,
    node_id: nodeId('011:WorkflowRun', run.id),
    head_branch: run.headBranch,
    head_sha: run.headSha,
    path: run.workflowPath,
    display_title: run.displayTitle,
    run_number: run.runNumber,
    event: run.event,
    status: run.status,
    conclusion: run.conclusion,
    workflow_id: run.workflowId,
    check_suite_id: run.id + 1_000_000_000,
    url: runApi,
    html_url: `${urls.html}/${repo.fullName}/actions/runs/${run.id}`,
    pull_requests: [],
    created_at: run.createdAt,
    updated_at: run.updatedAt,
    actor,
    triggering_actor: actor,
    run_attempt: 1,
    referenced_workflows: [],
    run_started_at: run.runStartedAt,
    jobs_url: `${runApi}/jobs`,
    logs_url: `${runApi}/logs`,
    check_suite_url: `${api}/check-suites/${run.id + 1_000_000_000}`,
    artifacts_url: `${runApi}/artifacts`,
    cancel_url: `${runApi}/cancel`,
    rerun_url: `${runApi}/rerun`,
    previous_attempt_url: null,
    workflow_url: `${api}/actions/workflows/${run.workflowId}`,
    head_commit: {
      id: commit.sha,
      tree_id: treeSha(commit),
      message: commit.message,
      timestamp: commit.author.date,
      author: { name: commit.author.name, email: commit.author.email },
      committer: { name: commit.author.name, email: commit.author.email },
    },
    repository,
    head_repository: repository,
  };
}

function treeSha(commit: Commit): string {
  return treeShaOf(
    [...commit.tree]
      .map(([path, sha]) => `${sha} ${path}`)
      .sort()
      .join('\n'),
  );
}

/** Trees are not stored as objects; this gives them a deterministic 40-hex id all the same. */
function treeShaOf(listing: string): string {
  return createHash('sha1').update(`tree ${listing}`).digest('hex');
}

function latestCommitDate(repo: EmulatedRepository): string | undefined {
  return [...repo.commits.values()]
    .map((c) => c.author.date)
    .sort()
    .at(-1);
}

/** The digest artifact of a run that pushed an image (List workflow run artifacts). */
export function artifactJson(run: WorkflowRun, urls: Urls) {
  const id = run.id + 2_000_000_000;
  const api = `${urls.api}/repos/${run.repository.fullName}/actions/artifacts/${id}`;
  const expires = new Date(Date.parse(run.updatedAt) + 86_400_000).toISOString();
  return {
    id,
    node_id: nodeId('010:Artifact', id),
    name: `switchyard-image-${run.imageDigest!.replace(':', '-')}`,
    size_in_bytes: 72,
    url: api,
    archive_download_url: `${api}/zip`,
    expired: false,
    digest: null,
    created_at: run.updatedAt,
    updated_at: run.updatedAt,
    expires_at: expires,
    workflow_run: {
      id: run.id,
      repository_id: run.repository.id,
      head_repository_id: run.repository.id,
      head_branch: run.headBranch,
      head_sha: run.headSha,
    },
  };
}
