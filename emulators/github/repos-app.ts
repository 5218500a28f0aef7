// Repository reads: the repository, branches, commits, tags, git refs and file contents.
// A private repository the token cannot see answers 404, never 403, exactly like GitHub (so its
// existence does not leak).
import type { Context } from 'hono';
import { Hono } from 'hono';
import { githubError, notFound } from './errors.js';
import { urlsFor } from './http-context.js';
import type { GitHubEnv } from './http-context.js';
import { paginate } from './pagination.js';
import type { EmulatedRepository } from './repository.js';
import {
  branchJson,
  branchSummaryJson,
  commitJson,
  contentEntryJson,
  fileJson,
  ownerJson,
  refJson,
  repositoryJson,
  tagJson,
} from './serializers.js';
import type { GitHubEmulatorState } from './state.js';

const DOC = {
  repo: 'https://docs.github.com/rest/repos/repos#get-a-repository',
  branch: 'https://docs.github.com/rest/branches/branches#get-a-branch',
  commit: 'https://docs.github.com/rest/commits/commits#get-a-commit',
  ref: 'https://docs.github.com/rest/git/refs#get-a-reference',
  compare: 'https://docs.github.com/rest/commits/commits#compare-two-commits',
  contents: 'https://docs.github.com/rest/repos/contents#get-repository-content',
  user: 'https://docs.github.com/rest/users/users#get-the-authenticated-user',
};

/** The repository named in the path if this request's token may see it. */
export function visibleRepository(c: Context<GitHubEnv>, state: GitHubEmulatorState): EmulatedRepository | undefined {
  const repo = state.repository(c.req.param('owner') ?? '', c.req.param('repo') ?? '');
  return repo?.canRead(c.var.token) ? repo : undefined;
}

export function createReposApp(state: GitHubEmulatorState): Hono<GitHubEnv> {
  const app = new Hono<GitHubEnv>();

  app.get('/user', (c) => {
    if (c.var.token === undefined) return githubError(c, 401, 'Requires authentication', DOC.user);
    return c.json(ownerJson(state.loginFor(c.var.token), urlsFor(c, state), 'User'));
  });

  app.get('/repos/:owner/:repo', (c) => {
    const repo = visibleRepository(c, state);
    if (!repo) return notFound(c, DOC.repo);
    return c.json(repositoryJson(repo, urlsFor(c, state), c.var.token !== undefined));
  });

  app.get('/repos/:owner/:repo/branches', (c) => {
    const repo = visibleRepository(c, state);
    if (!repo) return notFound(c, DOC.repo);
    const urls = urlsFor(c, state);
    const branches = [...repo.branches].sort(([a], [b]) => a.localeCompare(b));
    return c.json(paginate(c, branches).map(([name, branch]) => branchSummaryJson(repo, name, branch, urls)));
  });

  app.get('/repos/:owner/:repo/branches/:branch{.+}', (c) => {
    const repo = visibleRepository(c, state);
    if (!repo) return notFound(c, DOC.repo);
    const name = c.req.param('branch');
    const branch = repo.branches.get(name);
    if (!branch) return githubError(c, 404, 'Branch not found', DOC.branch);
    return c.json(branchJson(repo, name, branch, urlsFor(c, state)));
  });

  app.get('/repos/:owner/:repo/commits/:ref{.+}', (c) => {
    const repo = visibleRepository(c, state);
    if (!repo) return notFound(c, DOC.repo);
    const ref = c.req.param('ref');
    const resolved = repo.resolveCommitish(ref);
    if (!resolved) return githubError(c, 422, `No commit found for SHA: ${ref}`, DOC.commit);
    return c.json(commitJson(repo, repo.commit(resolved.sha), urlsFor(c, state)));
  });

  // BASE...HEAD: how far HEAD is ahead of and behind BASE (commits: HEAD's side, oldest first).
  app.get('/repos/:owner/:repo/compare/:basehead{.+}', (c) => {
    const repo = visibleRepository(c, state);
    if (!repo) return notFound(c, DOC.compare);
    const [baseRef, headRef, extra] = c.req.param('basehead').split('...');
    const base = baseRef ? repo.resolveCommitish(baseRef) : undefined;
    const head = headRef ? repo.resolveCommitish(headRef) : undefined;
    if (extra !== undefined || !base || !head) return notFound(c, DOC.compare);
    const baseSide = repo.ancestry(base.sha);
    const headSide = repo.ancestry(head.sha);
    const ahead = [...headSide].filter((sha) => !baseSide.has(sha));
    const behind = [...baseSide].filter((sha) => !headSide.has(sha));
    const mergeBase = [...headSide].filter((sha) => baseSide.has(sha)).sort((a, b) => repo.ancestry(b).size - repo.ancestry(a).size)[0];
    const status =
      ahead.length === 0 && behind.length === 0 ? 'identical' : behind.length === 0 ? 'ahead' : ahead.length === 0 ? 'behind' : 'diverged';
    const urls = urlsFor(c, state);
    const html = `${urls.html}/${repo.fullName}/compare/${baseRef}...${headRef}`;
    const byDate = (a: string, b: string) => repo.commit(a).author.date.localeCompare(repo.commit(b).author.date);
    return c.json({
      url: `${urls.api}/repos/${repo.fullName}/compare/${baseRef}...${headRef}`,
      html_url: html,
      permalink_url: `${urls.html}/${repo.fullName}/compare/${base.sha.slice(0, 7)}...${head.sha.slice(0, 7)}`,
      diff_url: `${html}.diff`,
      patch_url: `${html}.patch`,
      base_commit: commitJson(repo, repo.commit(base.sha), urls),
      merge_base_commit: mergeBase === undefined ? null : commitJson(repo, repo.commit(mergeBase), urls),
      status,
      ahead_by: ahead.length,
      behind_by: behind.length,
      total_commits: ahead.length,
      commits: ahead
        .sort(byDate)
        .slice(0, 250)
        .map((sha) => commitJson(repo, repo.commit(sha), urls)),
      files: [],
    });
  });

  app.get('/repos/:owner/:repo/tags', (c) => {
    const repo = visibleRepository(c, state);
    if (!repo) return notFound(c, DOC.repo);
    const urls = urlsFor(c, state);
    // Newest version first, as GitHub lists tags.
    const tags = [...repo.tags].sort(([a], [b]) => b.localeCompare(a, 'en', { numeric: true }));
    return c.json(paginate(c, tags).map(([name, sha]) => tagJson(repo, name, sha, urls)));
  });

  app.get('/repos/:owner/:repo/git/ref/:ref{.+}', (c) => {
    const repo = visibleRepository(c, state);
    if (!repo) return notFound(c, DOC.repo);
    const ref = c.req.param('ref');
    const [kind, ...rest] = ref.split('/');
    const name = rest.join('/');
    const sha = kind === 'heads' ? repo.branches.get(name)?.sha : kind === 'tags' ? repo.tags.get(name) : undefined;
    if (!sha) return notFound(c, DOC.ref);
    return c.json(refJson(repo, `refs/${ref}`, sha, urlsFor(c, state)));
  });

  const contents = (c: Context<GitHubEnv>) => {
    const repo = visibleRepository(c, state);
    if (!repo) return notFound(c, DOC.repo);
    const ref = c.req.query('ref') || repo.defaultBranch;
    const resolved = repo.resolveCommitish(ref);
    if (!resolved) return githubError(c, 404, `No commit found for the ref ${ref}`, DOC.contents);
    const path = (c.req.param('path') ?? '').replace(/^\/+|\/+$/g, '');
    const urls = urlsFor(c, state);

    const file = path === '' ? undefined : repo.file(resolved.sha, path);
    if (file) return c.json(fileJson(repo, path, file, ref, resolved.sha, urls));
    const folder = repo.listFolder(resolved.sha, path);
    if (!folder) return notFound(c, DOC.contents);
    return c.json(
      folder.map((entry) =>
        contentEntryJson(
          repo,
          {
            ...entry,
            ...(entry.sha ? { size: repo.blobs.get(entry.sha)!.length } : {}),
          },
          ref,
          resolved.sha,
          urls,
        ),
      ),
    );
  };
  app.get('/repos/:owner/:repo/contents', contents);
  app.get('/repos/:owner/:repo/contents/:path{.+}', contents);

  return app;
}
