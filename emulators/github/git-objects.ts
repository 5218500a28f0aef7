// Content-addressed ids computed the way git computes them, so every sha the emulator hands out
// is deterministic (same seed, same sha on every start) and a real 40-hex object id.
import { createHash } from 'node:crypto';

/** git's blob id: sha1("blob <size>\0<content>"), what GitHub returns as a file's `sha`. */
export function gitBlobSha(content: Buffer): string {
  return createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
}

export interface CommitObject {
  message: string;
  parents: string[];
  /** path → blob sha */
  tree: Map<string, string>;
  author: { name: string; email: string; date: string };
}

/**
 * A commit id over the commit's parents, tree, author and message. Not byte-for-byte git's tree
 * encoding (the emulator keeps flat trees), but content-addressed in the same spirit: two
 * commits differ exactly when their content or history differs.
 */
export function commitSha(commit: CommitObject): string {
  const tree = [...commit.tree]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([path, sha]) => `${sha} ${path}`)
    .join('\n');
  const body = [
    `tree\n${tree}`,
    ...commit.parents.map((p) => `parent ${p}`),
    `author ${commit.author.name} <${commit.author.email}> ${commit.author.date}`,
    '',
    commit.message,
  ].join('\n');
  return createHash('sha1')
    .update(`commit ${Buffer.byteLength(body)}\0${body}`)
    .digest('hex');
}

/** A stable positive integer id (repository ids, workflow ids) derived from a name. */
export function stableNumericId(name: string): number {
  return 100_000_000 + (parseInt(createHash('sha1').update(name).digest('hex').slice(0, 8), 16) % 800_000_000);
}
