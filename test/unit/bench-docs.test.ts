// docs/performance.md's tables are the benchmark's to write (`npm run bench -- --write-docs`): each
// row the bench runs has one marked table there, each marked table is a row the bench runs, and a
// rewrite replaces that table alone.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PERFORMANCE_DOC, replaceTable } from '../../bench/docs-tables.js';

const page = readFileSync(PERFORMANCE_DOC, 'utf8');
const benchSource = readFileSync(new URL('../../bench/run.ts', import.meta.url), 'utf8');

describe('docs/performance.md and npm run bench', () => {
  it('has one marked table for every row the bench runs, and no other', () => {
    const benchRows = new Set([...benchSource.matchAll(/want\('([\w-]+)'\)/g)].map((m) => m[1]!));
    const recorded = new Set([...benchSource.matchAll(/docs\.record\('([\w-]+)'/g)].map((m) => m[1]!));
    const marked = [...page.matchAll(/<!-- bench:([\w-]+) -->/g)].map((m) => m[1]!);
    expect(benchRows.size).toBeGreaterThan(5);
    expect([...recorded].sort()).toEqual([...benchRows].sort());
    expect([...marked].sort()).toEqual([...benchRows].sort());
    for (const row of marked) expect(page).toContain(`<!-- /bench:${row} -->`);
  });

  it("rewrites one row's table and leaves the rest of the page as it was", () => {
    const rewritten = replaceTable(page, 'parallel', [{ figure: 'six / one', measured: '1.01 | x', goal: '≤ 1.15' }]);
    const block = /<!-- bench:parallel -->\n([\s\S]*?)\n<!-- \/bench:parallel -->/.exec(rewritten)?.[1];
    expect(block).toBe('| figure | measured | goal |\n| --- | --- | --- |\n| six / one | 1.01 \\| x | ≤ 1.15 |');
    const outside = (text: string) => text.replace(/<!-- bench:parallel -->[\s\S]*?<!-- \/bench:parallel -->/, '');
    expect(outside(rewritten)).toBe(outside(page));
    // Idempotent: the same figures give the same page.
    expect(replaceTable(rewritten, 'parallel', [{ figure: 'six / one', measured: '1.01 | x', goal: '≤ 1.15' }])).toBe(rewritten);
  });

  it('refuses a row the page has no table for', () => {
    expect(() => replaceTable(page, 'no-such-row', [])).toThrow(/no <!-- bench:no-such-row -->/);
  });
});
