// One emulated repository: commits (with flat file trees), branches and tags pointing at them,
// and who may see it. Refs resolve the way GitHub resolves them in the REST API.
import { commitSha, gitBlobSha, stableNumericId } from './git-objects.js';
import type { CommitObject } from './git-objects.js';

export interface Commit extends CommitObject {
  sha: string;
}

export interface RepositoryInit {
  owner: string;
  name: string;
  private?: boolean;
  description?: string;
  defaultBranch?: string;
  /** For a private repository: the tokens that can see (and dispatch in) it. */
  collaboratorTokens?: string[];
  createdAt?: string;
}

export interface CommitInit {
  message: string;
  parents?: string[];
  files: Record<string, string | Buffer>;
  date: string;
  author?: { name: string; email: string };
}

export type ResolvedRef = { kind: 'branch' | 'tag'; name: string; sha: string } | { kind: 'commit'; name: string; sha: string };

const DEFAULT_AUTHOR = { name: 'Switchyard Demo', email: 'demo@switchyard.invalid' };

export class EmulatedRepository {
  readonly id: number;
  readonly owner: string;
  readonly name: string;
  readonly private: boolean;
  readonly description: string | null;
  readonly defaultBranch: string;
  readonly createdAt: string;
  readonly collaboratorTokens: Set<string>;
  readonly commits = new Map<string, Commit>();
  readonly blobs = new Map<string, Buffer>();
  readonly branches = new Map<string, { sha: string; protected: boolean }>();
  readonly tags = new Map<string, string>();
  /**
   * Commits pushed only to a fork. GitHub serves a fork network's commits through the parent
   * repository too (GET commits/{sha}, contents?ref={sha}), but no branch or tag of the parent
   * contains them: compare against a branch says `ahead` or `diverged`.
   */
  readonly forkNetworkCommits = new Set<string>();

  constructor(init: RepositoryInit) {
    this.owner = init.owner;
    this.name = init.name;
    this.id = stableNumericId(`repo:${this.fullName.toLowerCase()}`);
    this.private = init.private ?? false;
    this.description = init.description ?? null;
    this.defaultBranch = init.defaultBranch ?? 'main';
    this.createdAt = init.createdAt ?? '2024-01-01T00:00:00Z';
    this.collaboratorTokens = new Set(init.collaboratorTokens ?? []);
  }

  get fullName(): string {
    return `${this.owner}/${this.name}`;
  }

  /** Public repositories are readable by anyone; private ones only by their collaborators. */
  canRead(token: string | undefined): boolean {
    return !this.private || (token !== undefined && this.collaboratorTokens.has(token));
  }

  addCommit(init: CommitInit): string {
    const tree = new Map<string, string>();
    for (const [path, content] of Object.entries(init.files)) {
      const bytes = Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8');
      const sha = gitBlobSha(bytes);
      this.blobs.set(sha, bytes);
      tree.set(path, sha);
    }
    const object: CommitObject = {
      message: init.message,
      parents: init.parents ?? [],
      tree,
      author: { ...(init.author ?? DEFAULT_AUTHOR), date: init.date },
    };
    const sha = commitSha(object);
    this.commits.set(sha, { ...object, sha });
    return sha;
  }

  /** A commit of a fork of this repository: readable by SHA here, on none of its refs. */
  addForkNetworkCommit(init: CommitInit): string {
    const sha = this.addCommit(init);
    this.forkNetworkCommits.add(sha);
    return sha;
  }

  setBranch(name: string, sha: string, options: { protected?: boolean } = {}): void {
    this.#requireCommit(sha);
    this.branches.set(name, { sha, protected: options.protected ?? false });
  }

  setTag(name: string, sha: string): void {
    this.#requireCommit(sha);
    this.tags.set(name, sha);
  }

  /** A branch or tag name, `refs/heads/x`, `heads/x`, `refs/tags/x`, `tags/x`. No SHAs. */
  resolveNamedRef(ref: string): ResolvedRef | undefined {
    const branch = ref.replace(/^(refs\/)?heads\//, '');
    const tag = ref.replace(/^(refs\/)?tags\//, '');
    const isTagPath = /^(refs\/)?tags\//.test(ref);
    const isBranchPath = /^(refs\/)?heads\//.test(ref);
    if (!isTagPath) {
      const b = this.branches.get(branch);
      if (b) return { kind: 'branch', name: branch, sha: b.sha };
    }
    if (!isBranchPath) {
      const t = this.tags.get(tag);
      if (t) return { kind: 'tag', name: tag, sha: t };
    }
    return undefined;
  }

  /** What GET /commits/{ref} and ?ref= accept: named refs, full SHAs and unambiguous prefixes (7+). */
  resolveCommitish(ref: string): ResolvedRef | undefined {
    const named = this.resolveNamedRef(ref);
    if (named) return named;
    if (!/^[0-9a-f]{7,40}$/i.test(ref)) return undefined;
    const matches = [...this.commits.keys()].filter((sha) => sha.startsWith(ref.toLowerCase()));
    return matches.length === 1 ? { kind: 'commit', name: ref, sha: matches[0]! } : undefined;
  }

  /** The commit and every commit reachable from it through parents. */
  ancestry(sha: string): Set<string> {
    const seen = new Set<string>();
    const queue = [sha];
    while (queue.length > 0) {
      const next = queue.pop()!;
      if (seen.has(next)) continue;
      seen.add(next);
      queue.push(...this.#requireCommit(next).parents);
    }
    return seen;
  }

  commit(sha: string): Commit {
    return this.#requireCommit(sha);
  }

  /** The file's bytes and blob sha at a commit, or undefined when the path is not a file there. */
  file(sha: string, path: string): { content: Buffer; sha: string } | undefined {
    const blobSha = this.#requireCommit(sha).tree.get(path);
    return blobSha === undefined ? undefined : { content: this.blobs.get(blobSha)!, sha: blobSha };
  }

  /** Direct children (files and folders) of a folder at a commit; undefined when the folder does not exist. */
  listFolder(sha: string, folder: string): { name: string; path: string; type: 'file' | 'dir'; sha?: string }[] | undefined {
    const prefix = folder === '' ? '' : `${folder}/`;
    const entries = new Map<string, { name: string; path: string; type: 'file' | 'dir'; sha?: string }>();
    for (const [path, blobSha] of this.#requireCommit(sha).tree) {
      if (!path.startsWith(prefix)) continue;
      const [name, ...rest] = path.slice(prefix.length).split('/');
      if (!name) continue;
      entries.set(name, rest.length === 0 ? { name, path, type: 'file', sha: blobSha } : { name, path: `${prefix}${name}`, type: 'dir' });
    }
    if (entries.size === 0 && folder !== '') return undefined;
    return [...entries.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  #requireCommit(sha: string): Commit {
    const commit = this.commits.get(sha);
    if (!commit) throw new Error(`${this.fullName}: no commit ${sha}`);
    return commit;
  }
}
