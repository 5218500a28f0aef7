// When to pull the plug: on an emulator's state (polled every few ms in this process, where the
// emulators live) or on an AWS call passing the tap, then after a small random delay. Each
// trigger resolves once it has fired, or gives up (false) when the run ends first.
import type { AwsTap, TapPhase } from './aws-tap.js';
import { sleep } from './processes.js';

export interface Trigger {
  /** Waits for the moment; true when it came, false when `cancelled` was set first. */
  wait(cancelled: () => boolean): Promise<boolean>;
  describe: string;
}

export function whenState(describe: string, check: () => boolean, delayMs: number): Trigger {
  return {
    describe: `${describe} +${delayMs}ms`,
    async wait(cancelled) {
      while (!check()) {
        if (cancelled()) return false;
        await sleep(5);
      }
      if (delayMs > 0) await sleep(delayMs);
      return !cancelled();
    },
  };
}

/**
 * The AWS call `action` (the X-Amz-Target's operation) passing the tap in `phase`: on `request`
 * the kill comes while the emulator handles the call (its side effect may land, the answer never
 * reaches the worker); on `response` just after the worker got the answer, before it could report.
 * The kill is synchronous in the tap's callback, so no other byte moves first.
 */
export function whenAwsCall(tap: AwsTap, action: string, phase: TapPhase, kill: () => void): Trigger {
  return {
    describe: `${action} ${phase}`,
    wait(cancelled) {
      return new Promise<boolean>((resolve) => {
        const stop = tap.on((seen, seenPhase) => {
          if (seenPhase !== phase || !seen.endsWith(`.${action}`)) return;
          stop();
          clearInterval(poll);
          kill();
          resolve(true);
        });
        const poll = setInterval(() => {
          if (!cancelled()) return;
          stop();
          clearInterval(poll);
          resolve(false);
        }, 20);
      });
    },
  };
}
