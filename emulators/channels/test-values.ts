// Sandbox test values: like a payment sandbox's test card numbers, words in the content steer
// what the emulated channel does, so any caller (tests, a person trying the sandbox) can provoke
// a failure without touching the emulator.
//   #fail             every publish call answers HTTP 500 (transient)
//   #fail-once        the first publish call of that container/draft answers 500, later ones succeed
//   #reject           every publish call answers HTTP 400 (permanent)
//   #container-error  Instagram only: the media container ends in status ERROR
//   #container-expired Instagram only: the media container ends in status EXPIRED
//   #processing-<ms>  Instagram only: the media container stays IN_PROGRESS that long
// A FaultSwitch turns these off at runtime ("the failure is fixed") without changing the content.

export interface TestValues {
  fail: boolean;
  failOnce: boolean;
  reject: boolean;
  containerError: boolean;
  containerExpired: boolean;
}

// A value must stand alone: "#fail" must not match inside "#fail-once" or "#failure".
const marker = (name: string) => new RegExp(`#${name}(?![\\w-])`, 'i');
const MARKERS = {
  fail: marker('fail'),
  failOnce: marker('fail-once'),
  reject: marker('reject'),
  containerError: marker('container-error'),
  containerExpired: marker('container-expired'),
} as const;

export function readTestValues(text: string): TestValues {
  return {
    fail: MARKERS.fail.test(text),
    failOnce: MARKERS.failOnce.test(text),
    reject: MARKERS.reject.test(text),
    containerError: MARKERS.containerError.test(text),
    containerExpired: MARKERS.containerExpired.test(text),
  };
}

/** Lets tests (or a person) declare the channel repaired: test values stop causing failures. */
export class FaultSwitch {
  #cleared = false;

  get cleared(): boolean {
    return this.#cleared;
  }

  clear(): void {
    this.#cleared = true;
  }

  restore(): void {
    this.#cleared = false;
  }
}

export type PublishFault = 'reject' | 'fail' | undefined;

/** What a publish call should do given the content's test values; `attempt` counts from 1 per container/draft. */
export function publishFault(values: TestValues, attempt: number, faults: FaultSwitch): PublishFault {
  if (faults.cleared) return undefined;
  if (values.reject) return 'reject';
  if (values.fail || (values.failOnce && attempt === 1)) return 'fail';
  return undefined;
}

/** `config.latencyMs` as a bounded delay, so a typo cannot hang the emulator for hours. */
export function latencyFrom(value: unknown, maxMs = 120_000): number {
  const ms = typeof value === 'string' ? Number(value) : value;
  return typeof ms === 'number' && Number.isFinite(ms) && ms > 0 ? Math.min(ms, maxMs) : 0;
}
