// Server processes a test started (PostgreSQL, Temporal nodes) must not outlive the test process
// when it exits without tearing them down: each is signalled on exit, with the signal that stops
// that server at once.
const tracked = new Map<number, NodeJS.Signals>();
let installed = false;

export function reapOnExit(pid: number, signal: NodeJS.Signals): void {
  if (!installed) {
    installed = true;
    process.on('exit', () => {
      for (const [trackedPid, trackedSignal] of tracked) {
        try {
          process.kill(trackedPid, trackedSignal);
        } catch {
          // already gone
        }
      }
    });
  }
  tracked.set(pid, signal);
}

/** The process was stopped properly: nothing to do for it on exit. */
export function forgetOnExit(pid: number): void {
  tracked.delete(pid);
}
