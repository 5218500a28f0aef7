// The `switchyard` CLI as a child process (node cli/main.js, as `npx switchyard` runs it), with
// its output collected so a test can wait for a line and read the exit code.
import { spawn } from 'node:child_process';
import { expect } from 'vitest';

const MAIN = new URL('../../cli/main.js', import.meta.url).pathname;

export interface CliRun {
  readonly stdout: string;
  readonly stderr: string;
  /** Resolves with the exit code. */
  readonly exited: Promise<number>;
  /** Waits until stdout or stderr matches. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  kill(): void;
}

export function runCli(args: string[], env: Record<string, string>, stdin?: string): CliRun {
  const child = spawn(process.execPath, [MAIN, ...args], {
    env: { ...process.env, SWITCHYARD_CONFIG: '/nonexistent/switchyard-test-config.json', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  child.stdin.end(stdin ?? '');
  const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
  return {
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    exited,
    async waitFor(pattern, timeoutMs = 30_000) {
      await expect
        .poll(() => pattern.test(stdout) || pattern.test(stderr), {
          timeout: timeoutMs,
          interval: 50,
          message: `waiting for ${pattern} in:\n${stdout}\n${stderr}`,
        })
        .toBe(true);
      return (stdout.match(pattern) ?? stderr.match(pattern))!;
    },
    kill() {
      child.kill('SIGKILL');
    },
  };
}

/** Runs a command to its end: its output and exit code. */
export async function cli(args: string[], env: Record<string, string>, stdin?: string) {
  const run = runCli(args, env, stdin);
  const code = await run.exited;
  return { code, stdout: run.stdout, stderr: run.stderr };
}
