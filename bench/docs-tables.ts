// `npm run bench -- --write-docs`: each measured row's table in docs/performance.md is replaced by
// this run's figures, between `<!-- bench:<row> -->` and `<!-- /bench:<row> -->`, so the page holds
// the latest measurement and nobody copies figures by hand. Rows not run keep their table.
import { readFileSync, writeFileSync } from 'node:fs';

export interface Figure {
  figure: string;
  measured: string;
  goal: string;
}

export const PERFORMANCE_DOC = new URL('../docs/performance.md', import.meta.url);

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The markdown table of one row's figures. */
export function table(figures: readonly Figure[]): string {
  return [
    '| figure | measured | goal |',
    '| --- | --- | --- |',
    ...figures.map((f) => `| ${cell(f.figure)} | ${cell(f.measured)} | ${cell(f.goal)} |`),
  ].join('\n');
}

/** `page` with the table between row's markers replaced; throws when the page has no such markers. */
export function replaceTable(page: string, row: string, figures: readonly Figure[]): string {
  const open = `<!-- bench:${row} -->`;
  const close = `<!-- /bench:${row} -->`;
  const start = page.indexOf(open);
  const end = page.indexOf(close);
  if (start < 0 || end < start) throw new Error(`docs/performance.md has no ${open} … ${close} block for the row "${row}"`);
  return `${page.slice(0, start + open.length)}\n${table(figures)}\n${page.slice(end)}`;
}

/** What this run measured, by row, to be written at the end when asked. */
export class DocTables {
  private readonly rows = new Map<string, Figure[]>();

  record(row: string, figures: Figure[]): void {
    this.rows.set(row, figures);
  }

  /** Rewrites the measured rows' tables; returns their names. */
  write(path: URL = PERFORMANCE_DOC): string[] {
    let page = readFileSync(path, 'utf8');
    for (const [row, figures] of this.rows) page = replaceTable(page, row, figures);
    writeFileSync(path, page);
    return [...this.rows.keys()];
  }
}
