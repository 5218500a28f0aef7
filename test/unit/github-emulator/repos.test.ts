// Repository reads through the real Octokit client: the calls our connect and build activities
// make (repos.get, getBranch, getContent, getCommit, tags), with GitHub's statuses and bodies.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_OWNER, seedSandboxRepos, startGitHubEmulator } from '../../../emulators/github/index.js';
import { PRIVATE_REPO_TOKEN, TOKEN, requestError, startTestEmulator } from './emulator.js';
import type { TestEmulator } from './emulator.js';

let t: TestEmulator;
beforeAll(async () => {
  t = await startTestEmulator();
});
afterAll(async () => {
  await t.emulator.close();
});

const panda = { owner: SANDBOX_OWNER, repo: 'panda-api' };

describe('repositories', () => {
  it('returns the repository with GitHub headers', async () => {
    const res = await t.octokit().repos.get(panda);
    expect(res.status).toBe(200);
    expect(res.data).toMatchObject({
      name: 'panda-api',
      full_name: 'switchyard-demo/panda-api',
      owner: { login: 'switchyard-demo' },
      private: false,
      default_branch: 'main',
      html_url: 'https://github.com/switchyard-demo/panda-api',
      visibility: 'public',
    });
    expect(res.data.id).toBeGreaterThan(0);
    expect(res.headers['x-github-request-id']).toMatch(/^[0-9A-F:]+$/);
    expect(Number(res.headers['x-ratelimit-limit'])).toBe(5000);
    expect(Number(res.headers['x-ratelimit-remaining'])).toBeLessThan(5000);
  });

  it('matches owner and repository names case-insensitively, like GitHub', async () => {
    const { data } = await t.octokit().repos.get({ owner: 'Switchyard-Demo', repo: 'Panda-API' });
    expect(data.full_name).toBe('switchyard-demo/panda-api');
  });

  it('rejects an unknown token with 401 Bad credentials, even for a public repository', async () => {
    const err = await requestError(t.octokit('ghp_notAToken').repos.get(panda));
    expect(err.status).toBe(401);
    expect(err.message).toContain('Bad credentials');
    expect(err.response?.data).toEqual({ message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });
  });

  it('answers 404 Not Found for a repository that does not exist', async () => {
    const err = await requestError(t.octokit().repos.get({ owner: SANDBOX_OWNER, repo: 'no-such-repo' }));
    expect(err.status).toBe(404);
    expect(err.message).toContain('Not Found');
    expect(err.response?.data).toMatchObject({ message: 'Not Found' });
  });

  it('hides a private repository (404) from a token without access and shows it to one with access', async () => {
    const secret = { owner: SANDBOX_OWNER, repo: 'secret-app' };
    expect((await requestError(t.octokit(TOKEN).repos.get(secret))).status).toBe(404);
    const { data } = await t.octokit(PRIVATE_REPO_TOKEN).repos.get(secret);
    expect(data).toMatchObject({ private: true, visibility: 'private', default_branch: 'main' });
  });

  it('serves public repositories to anonymous clients, as GitHub does, but not /user', async () => {
    const res = await fetch(`${t.emulator.url}/repos/switchyard-demo/panda-api`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-ratelimit-limit')).toBe('60');
    const user = await fetch(`${t.emulator.url}/user`);
    expect(user.status).toBe(401);
    expect(await user.json()).toMatchObject({ message: 'Requires authentication' });
  });
});

describe('branches, commits and tags', () => {
  it('gets a branch with its head commit', async () => {
    const { data } = await t.octokit().repos.getBranch({ ...panda, branch: 'main' });
    expect(data.name).toBe('main');
    expect(data.commit.sha).toMatch(/^[0-9a-f]{40}$/);
    expect(data.commit.sha).toBe(t.repos.pandaApi.branches.get('main')?.sha);
    expect(data.commit.commit.message).toBe('Merge pull request #12 from switchyard-demo/develop');
    expect(data.protected).toBe(true);
  });

  it('answers 404 Branch not found for an unknown branch', async () => {
    const err = await requestError(t.octokit().repos.getBranch({ ...panda, branch: 'no-such-branch' }));
    expect(err.status).toBe(404);
    expect(err.message).toContain('Branch not found');
  });

  it("lists every seeded branch, each with its own sha but slow-build and retag-after-push (main's code)", async () => {
    const branches = await t.octokit().paginate(t.octokit().repos.listBranches, { ...panda, per_page: 2 });
    expect(branches.map((b) => b.name).sort()).toEqual([
      'develop',
      'fail-build',
      'main',
      'retag-after-push',
      'slow-build',
      'unhealthy-green',
    ]);
    expect(new Set(branches.map((b) => b.commit.sha)).size).toBe(4);
    const sha = (name: string) => branches.find((b) => b.name === name)!.commit.sha;
    expect(sha('slow-build')).toBe(sha('main'));
    expect(sha('retag-after-push')).toBe(sha('main'));
  });

  it('gets a commit by tag, by branch, by full and by short sha', async () => {
    const gh = t.octokit();
    const { data: tags } = await gh.repos.listTags(panda);
    expect(tags.map((tag) => tag.name)).toEqual(['v1.2.3', 'v1.0.0']);
    const v123 = tags[0]!.commit.sha;

    const byTag = await gh.repos.getCommit({ ...panda, ref: 'v1.2.3' });
    expect(byTag.data.sha).toBe(v123);
    expect(byTag.data.commit.message).toBe('Release 1.2.3: faster event lookups');
    expect((await gh.repos.getCommit({ ...panda, ref: v123 })).data.sha).toBe(v123);
    expect((await gh.repos.getCommit({ ...panda, ref: v123.slice(0, 7) })).data.sha).toBe(v123);
    const main = await gh.repos.getCommit({ ...panda, ref: 'main' });
    expect(main.data.parents.map((p) => p.sha)).toEqual([v123]);

    const { data: ref } = await gh.git.getRef({ ...panda, ref: 'tags/v1.2.3' });
    expect(ref).toMatchObject({ ref: 'refs/tags/v1.2.3', object: { sha: v123, type: 'commit' } });
  });

  it('answers 422 No commit found for SHA for an unknown ref', async () => {
    const err = await requestError(t.octokit().repos.getCommit({ ...panda, ref: 'v9.9.9' }));
    expect(err.status).toBe(422);
    expect(err.message).toContain('No commit found for SHA: v9.9.9');
  });

  it('gives the same shas on every start (content-addressed seed)', async () => {
    const other = await startGitHubEmulator({ tokens: [TOKEN] });
    try {
      const repos = seedSandboxRepos(other.state);
      expect(Object.fromEntries(repos.pandaApi.branches)).toEqual(Object.fromEntries(t.repos.pandaApi.branches));
      expect(Object.fromEntries(repos.pandaApi.tags)).toEqual(Object.fromEntries(t.repos.pandaApi.tags));
    } finally {
      await other.close();
    }
  });
});

describe('contents', () => {
  it('returns the Dockerfile as a base64 file object whose sha is its git blob id', async () => {
    const { data } = await t.octokit().repos.getContent({ ...panda, path: 'Dockerfile', ref: 'main' });
    if (Array.isArray(data) || data.type !== 'file') throw new Error('expected a file');
    expect(data).toMatchObject({ type: 'file', name: 'Dockerfile', path: 'Dockerfile', encoding: 'base64' });
    const content = Buffer.from(data.content, 'base64');
    expect(content.toString('utf8')).toMatch(/^FROM node:20-alpine/);
    expect(data.size).toBe(content.length);
    const blobSha = createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
    expect(data.sha).toBe(blobSha);

    const raw = await fetch(data.download_url!);
    expect(Buffer.from(await raw.arrayBuffer())).toEqual(content);
  });

  it('reads files at the requested ref: the fail-build branch has a Dockerfile that fails', async () => {
    const { data } = await t.octokit().repos.getContent({ ...panda, path: 'Dockerfile', ref: 'fail-build' });
    if (Array.isArray(data) || data.type !== 'file') throw new Error('expected a file');
    expect(Buffer.from(data.content, 'base64').toString('utf8')).toContain('exit 1');
  });

  it('answers 404 for a Dockerfile that is not there and for an unknown ref', async () => {
    const missing = await requestError(
      t.octokit().repos.getContent({ owner: SANDBOX_OWNER, repo: 'no-dockerfile-app', path: 'Dockerfile' }),
    );
    expect(missing.status).toBe(404);
    expect(missing.message).toContain('Not Found');
    const badRef = await requestError(t.octokit().repos.getContent({ ...panda, path: 'Dockerfile', ref: 'nope' }));
    expect(badRef.status).toBe(404);
    expect(badRef.message).toContain('No commit found for the ref nope');
  });

  it('lists a folder, and carries the build workflow template verbatim', async () => {
    const { data } = await t.octokit().repos.getContent({ ...panda, path: '.github/workflows' });
    expect(Array.isArray(data) && data.map((entry) => entry.path)).toEqual(['.github/workflows/switchyard-build.yml']);
    const { data: file } = await t.octokit().repos.getContent({ ...panda, path: '.github/workflows/switchyard-build.yml' });
    if (Array.isArray(file) || file.type !== 'file') throw new Error('expected a file');
    expect(Buffer.from(file.content, 'base64').toString('utf8')).toContain('run-name: "switchyard build ${{ inputs.correlation_id }}"');
  });
});

describe('compare two commits', () => {
  it('answers ahead, behind, identical and diverged with the commit counts, and 404 for an unknown ref', async () => {
    const gh = t.octokit();
    const v123 = t.repos.pandaApi.tags.get('v1.2.3')!;
    const compare = async (basehead: string) => (await gh.repos.compareCommitsWithBasehead({ ...panda, basehead })).data;

    const ahead = await compare(`${v123}...develop`);
    expect(ahead).toMatchObject({
      status: 'ahead',
      ahead_by: 2,
      behind_by: 0,
      total_commits: 2,
      base_commit: { sha: v123 },
      merge_base_commit: { sha: v123 },
    });
    expect(ahead.commits.map((commit) => commit.commit.message)).toEqual([
      'Merge pull request #12 from switchyard-demo/develop',
      'Add request logging',
    ]);
    expect(await compare('develop...v1.2.3')).toMatchObject({ status: 'behind', ahead_by: 0, behind_by: 2 });
    expect(await compare('main...slow-build')).toMatchObject({ status: 'identical', ahead_by: 0, behind_by: 0, commits: [] });
    expect(await compare('develop...unhealthy-green')).toMatchObject({
      status: 'diverged',
      ahead_by: 1,
      behind_by: 1,
      merge_base_commit: { sha: t.repos.pandaApi.branches.get('main')!.sha },
    });
    expect((await requestError(compare('main...no-such-branch'))).status).toBe(404);
    expect((await requestError(compare('main'))).status).toBe(404);
  });
});

describe('a commit of the fork network', () => {
  it('is served by SHA (commit and contents) like any commit, but no branch or tag contains it: compare says diverged', async () => {
    const gh = t.octokit();
    const [fork] = [...t.repos.pandaApi.forkNetworkCommits];
    expect(fork).toMatch(/^[0-9a-f]{40}$/);
    expect((await gh.repos.getCommit({ ...panda, ref: fork! })).data).toMatchObject({
      sha: fork,
      commit: { author: { email: 'fork@attacker.invalid' } },
    });
    const { data: dockerfile } = await gh.repos.getContent({ ...panda, path: 'Dockerfile', ref: fork! });
    if (Array.isArray(dockerfile) || dockerfile.type !== 'file') throw new Error('expected a file');
    expect(Buffer.from(dockerfile.content, 'base64').toString('utf8')).toContain('attacker.invalid');

    const branches = (await gh.repos.listBranches({ ...panda, per_page: 100 })).data;
    const tags = (await gh.repos.listTags({ ...panda, per_page: 100 })).data;
    expect([...branches, ...tags].map((ref) => ref.commit.sha)).not.toContain(fork);
    // Base = the ref, head = the commit: contained would be identical or behind.
    expect((await gh.repos.compareCommitsWithBasehead({ ...panda, basehead: `main...${fork!}` })).data).toMatchObject({
      status: 'diverged',
      ahead_by: 1,
      behind_by: 1,
    });
    expect((await gh.repos.compareCommitsWithBasehead({ ...panda, basehead: `v1.2.3...${fork!}` })).data).toMatchObject({
      status: 'ahead',
      ahead_by: 1,
      behind_by: 0,
    });
    const v123 = t.repos.pandaApi.tags.get('v1.2.3')!;
    expect((await gh.repos.compareCommitsWithBasehead({ ...panda, basehead: `main...${v123}` })).data).toMatchObject({ status: 'behind' });
  });
});
