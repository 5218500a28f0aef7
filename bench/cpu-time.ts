// CPU time spent by this process (the client, the in-process worker, the emulators) and its child
// processes (the dev server), read from /proc. A rate measured on a shared machine moves with
// everyone else's load; CPU seconds per workflow hardly do, so they say what a workflow costs the
// engine even when the rates are noise. Linux only: elsewhere undefined.
import { existsSync, readdirSync, readFileSync } from 'node:fs';

/** USER_HZ: the unit of /proc/<pid>/stat's times on Linux. */
const TICKS_PER_SECOND = 100;

function processTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // After "pid (comm) ", utime and stime are the 12th and 13th fields (stat's 14th and 15th).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0; // exited meanwhile
  }
}

function children(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((tid) =>
      readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').split(' ').filter(Boolean).map(Number),
    );
  } catch {
    return [];
  }
}

function descendants(pid: number): number[] {
  return children(pid).flatMap((child) => [child, ...descendants(child)]);
}

/** CPU seconds used so far by this process and by its live descendants (the dev server); undefined without /proc. */
export function cpuSeconds(): { bench: number; server: number } | undefined {
  if (!existsSync(`/proc/${process.pid}/task`)) return undefined;
  const { user, system } = process.cpuUsage();
  const childTicks = descendants(process.pid).reduce((sum, pid) => sum + processTicks(pid), 0);
  return { bench: (user + system) / 1e6, server: childTicks / TICKS_PER_SECOND };
}
