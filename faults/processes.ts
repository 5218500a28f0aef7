// Child processes of the suite (Temporal, workers, API), each in a process group of its own so a
// kill takes everything it may have started; every one is registered, and killAll() in the
// runner's finally (and on exit) leaves no orphan behind, whatever failed.
import { spawn, type ChildProcess } from 'node:child_process';

export interface Child {
  name: string;
  child: ChildProcess;
  /** stdout and stderr together (the last 200 kB). */
  output(): string;
  exited: Promise<void>;
  running(): boolean;
  /** SIGKILL to the whole group, as a crashed machine; resolves once the process is gone. */
  kill(): Promise<void>;
}

const live = new Set<Child>();
const KEEP = 200_000;

export function startChild(name: string, command: string, args: string[], env: Record<string, string>): Child {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  const append = (d: Buffer) => {
    output += d.toString();
    if (output.length > KEEP) output = output.slice(-KEEP);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const running = () => child.exitCode === null && child.signalCode === null;
  const handle: Child = {
    name,
    child,
    exited,
    running,
    output: () => output,
    async kill() {
      if (running() && child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          child.kill('SIGKILL');
        }
      }
      await exited;
      live.delete(handle);
    },
  };
  live.add(handle);
  void exited.then(() => live.delete(handle));
  return handle;
}

/** The project's own entry points, as production runs them. */
export function startNode(name: string, entry: string, env: Record<string, string>): Child {
  return startChild(name, process.execPath, ['--import', 'tsx', entry], env);
}

export async function killAll(): Promise<void> {
  await Promise.all([...live].map((c) => c.kill()));
}

// A runner that dies on an uncaught error still takes its children with it.
process.once('exit', () => {
  for (const c of live) {
    if (c.child.pid !== undefined && c.running()) {
      try {
        process.kill(-c.child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  }
});

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Polls `check` until it is true; fails naming `what` (with the watched children's last output)
 * when time runs out or a watched child dies, so a hang is a clear failure, not a stuck suite.
 */
export async function waitUntil(
  what: string,
  check: () => boolean | Promise<boolean>,
  options: { timeoutMs?: number; intervalMs?: number; watch?: Child[] } = {},
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    if (await check()) return;
    const dead = options.watch?.find((c) => !c.running());
    if (dead || Date.now() > deadline) {
      const logs = (options.watch ?? [])
        .map((c) => `--- ${c.name} (${c.running() ? 'running' : 'exited'}) ---\n${c.output().slice(-3000)}`)
        .join('\n');
      throw new Error(`${dead ? `${dead.name} exited` : 'timed out'} while waiting for ${what}${logs ? `\n${logs}` : ''}`);
    }
    await sleep(options.intervalMs ?? 50);
  }
}
