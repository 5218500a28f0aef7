// What commands print: one JSON document on stdout with `--output json` (for scripts and CI), or
// lines for people. Live displays draw on a TTY only; piped, each change is one plain line.
export type Format = 'text' | 'json';

export interface Stream {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

export interface Io {
  stdout: Stream;
  stderr: Stream;
  env: Record<string, string | undefined>;
  /** All of standard input, for `--api-key-stdin` and `distribute -`. */
  readStdin(): Promise<string>;
}

export class Output {
  private footer = '';

  constructor(
    readonly io: Io,
    readonly format: Format,
  ) {}

  get json(): boolean {
    return this.format === 'json';
  }

  private get live(): boolean {
    return !this.json && this.io.stdout.isTTY === true;
  }

  /** The command's result: the JSON document, or the text lines. */
  result(value: unknown, lines: () => string[]): void {
    this.clearFooter();
    if (this.json) this.io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    else for (const line of lines()) this.io.stdout.write(`${line}\n`);
  }

  /** A line of a live display (text only; JSON output prints the result alone). */
  line(text: string): void {
    if (this.json) return;
    this.clearFooter();
    this.io.stdout.write(`${text}\n`);
    this.drawFooter();
  }

  /** The status line under a live display: redrawn in place on a TTY, a new line when it changes elsewhere. */
  status(text: string): void {
    if (this.json || text === this.footer) return;
    if (this.live) {
      this.footer = text;
      this.io.stdout.write(`\r\x1b[2K${text}`);
    } else {
      this.footer = text;
      this.io.stdout.write(`${text}\n`);
    }
  }

  /** Notes for people (hints, warnings): stderr, so stdout stays the result. */
  note(text: string): void {
    this.clearFooter();
    this.io.stderr.write(`${text}\n`);
    this.drawFooter();
  }

  private clearFooter(): void {
    if (this.live && this.footer) this.io.stdout.write('\r\x1b[2K');
  }

  private drawFooter(): void {
    if (this.live && this.footer) this.io.stdout.write(this.footer);
  }

  /** Ends a live display: the footer stays on screen as the last line. */
  end(): void {
    if (this.live && this.footer) this.io.stdout.write('\n');
    this.footer = '';
  }
}

/** `[#######.............] 35%` for a fraction between 0 and 1 (clamped). */
export function progressBar(fraction: number, width = 20): string {
  const f = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
  const filled = Math.round(f * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.round(f * 100)).padStart(3)}%`;
}

/** Rows as aligned columns, with a header; missing values as `-`. */
export function table(rows: readonly Record<string, unknown>[], columns: readonly { key: string; title: string }[]): string[] {
  const cell = (value: unknown) => (value === undefined || value === null || value === '' ? '-' : String(value));
  const cells = rows.map((row) => columns.map((c) => cell(row[c.key])));
  const widths = columns.map((c, i) => Math.max(c.title.length, ...cells.map((r) => r[i]!.length)));
  const render = (values: string[]) => values.map((v, i) => (i === values.length - 1 ? v : v.padEnd(widths[i]!))).join('  ');
  return [render(columns.map((c) => c.title)), ...cells.map(render)];
}
