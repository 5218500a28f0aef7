// Child processes of the project's own entry points (`node --import tsx <file>`), for the tests
// that run the API, the worker and the sandbox as separate processes, as production does.
import { spawn, type ChildProcess } from 'node:child_process';

export interface Child {
  name: string;
  child: ChildProcess;
  /** stdout and stderr together. */
  output(): string;
  stdout(): string;
  exited: Promise<number | null>;
}

export function startProcess(name: string, args: string[], env: Record<string, string>): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let stdout = '';
  child.stdout?.on('data', (d: Buffer) => {
    output += d.toString();
    stdout += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { name, child, output: () => output, stdout: () => stdout, exited };
}

export const isRunning = (c: Child) => c.child.exitCode === null && c.child.signalCode === null;

/** Polls `check` until true; fails with every child's recent output if one of `watched` dies or time runs out. */
export async function waitFor(what: string, watched: Child[], check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    const dead = watched.find((c) => !isRunning(c));
    if (dead || Date.now() > deadline) {
      const logs = watched
        .map(
          (c) =>
            `--- ${c.name} (${isRunning(c) ? 'running' : `exited ${c.child.exitCode ?? c.child.signalCode}`}) ---\n${c.output().slice(-4000)}`,
        )
        .join('\n');
      throw new Error(`${dead ? `${dead.name} exited` : 'timed out'} while waiting for ${what}\n${logs}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** SIGKILLs whatever still runs and waits for every exit. */
export async function killAll(children: Child[]): Promise<void> {
  for (const c of children) if (isRunning(c)) c.child.kill('SIGKILL');
  await Promise.all(children.map((c) => c.exited));
}

/** Resolves true once `child` has exited, false when it has not within `ms`. */
export function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}
