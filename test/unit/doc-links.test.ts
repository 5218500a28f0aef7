// Relative links and #anchors in the README, CONTRIBUTING.md and docs/ resolve: a page that moves
// or a heading that is renamed fails here, not in a reader's browser. Anchors are GitHub's: the
// heading lower-cased, punctuation dropped, spaces as hyphens, repeats numbered -1, -2, ….
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

function markdownFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? markdownFiles(path) : name.endsWith('.md') ? [path] : [];
  });
}

/**
 * The page's prose: fenced code blocks removed (their `#` and `[]()` are not markdown), and inline
 * code dropped, or only its backticks when `keepCode` (a heading's anchor keeps the code's text).
 */
function prose(text: string, keepCode = false): string[] {
  let fenced = false;
  return text.split('\n').map((line) => {
    if (/^\s*(```|~~~)/.test(line)) {
      fenced = !fenced;
      return '';
    }
    return fenced ? '' : line.replace(/`([^`]*)`/g, keepCode ? '$1' : '');
  });
}

/** GitHub's heading anchor. */
export function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/<[^>]+>/g, '')
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

export function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const line of prose(text, true)) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const base = slug(heading.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1'));
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    result.add(n === 0 ? base : `${base}-${n}`);
  }
  return result;
}

function links(text: string): string[] {
  return prose(text).flatMap((line) => [...line.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1]!));
}

const pages = [join(root, 'README.md'), join(root, 'CONTRIBUTING.md'), ...markdownFiles(join(root, 'docs'))].filter((path) =>
  existsSync(path),
);

describe('links in the README and docs/', () => {
  it('computes anchors as GitHub does', () => {
    expect(slug('Securing Temporal: mTLS, an authorizer, or Temporal Cloud')).toBe(
      'securing-temporal-mtls-an-authorizer-or-temporal-cloud',
    );
    expect(slug('Who may decide: the namespace is the trust boundary')).toBe('who-may-decide-the-namespace-is-the-trust-boundary');
    expect([...anchors('# A\n## A\n```\n# not a heading\n```\n## B `c`')]).toEqual(['a', 'a-1', 'b-c']);
  });

  it('has the pages the README links to', () => {
    expect(pages.map((path) => relative(root, path))).toEqual(
      expect.arrayContaining(['README.md', 'docs/architecture.md', 'docs/configuration.md', 'docs/compatibility.md']),
    );
  });

  it.each(pages.map((path) => [relative(root, path), path]))('%s: every relative link and anchor resolves', (_name, page) => {
    const broken: string[] = [];
    for (const link of links(readFileSync(page, 'utf8'))) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(link)) continue; // http:, https:, mailto: — not checked offline
      const [path = '', anchor] = link.split('#');
      const target = path ? resolve(dirname(page), decodeURIComponent(path)) : page;
      if (!existsSync(target)) {
        broken.push(`${link}: no such file`);
        continue;
      }
      if (anchor === undefined) continue;
      if (!target.endsWith('.md')) {
        broken.push(`${link}: an anchor into a file that is not markdown`);
        continue;
      }
      if (!anchors(readFileSync(target, 'utf8')).has(anchor)) broken.push(`${link}: no heading with that anchor`);
    }
    expect(broken).toEqual([]);
  });
});
