// Injected faults for the fault suite (npm run faults): one injector, shared by every emulator of
// a sandbox, decides per service request whether it is throttled, answered with a 5xx or held and
// dropped, from a seeded RNG so that a failing run can be replayed. The emulators turn a decision
// into the real service's own answer (see */fault-answers.ts and fault-handler.ts).
export type FaultKind = 'throttle' | 'server-error' | 'timeout';
export type FaultService = 'aws' | 'github' | 'slack' | 'channels';

export interface FaultPlan {
  /** Probability (0..1) that one request to a service API gets a fault. */
  rate: number;
  kinds?: FaultKind[]; // default: all three
  services?: FaultService[]; // default: all four
  seed?: number; // deterministic RNG (mulberry32); default 1
  /** How long a 'timeout' holds the request before the connection is dropped. Default 5000. */
  holdMs?: number;
}

/** One injected fault. `variant` (0..1) picks among a kind's shapes (500 or 503, secondary or primary limit, …). */
export interface FaultDecision {
  kind: FaultKind;
  variant: number;
  /** For 'timeout': the operation takes effect and only its response is lost. */
  tookEffect: boolean;
  holdMs: number;
}

export interface FaultInjector {
  readonly plan: FaultPlan;
  setRate(rate: number): void;
  /** Injected so far, keyed `${service} ${operation}` (operation: AWS X-Amz-Target/Action, or METHOD + route pattern), counts by kind. */
  counts(): Record<string, Record<FaultKind, number>>;
  total(): Record<FaultKind, number>;
  /**
   * For the emulators: whether this request to `service` gets a fault, counted when it does.
   * Draws from the RNG only while the rate is above 0, so setup done with faults off does not
   * shift the sequence a seed gives once they are on.
   */
  decide(service: FaultService, operation: string): FaultDecision | undefined;
}

export const ALL_FAULT_KINDS: readonly FaultKind[] = ['throttle', 'server-error', 'timeout'];
export const ALL_FAULT_SERVICES: readonly FaultService[] = ['aws', 'github', 'slack', 'channels'];
const DEFAULT_HOLD_MS = 5000;

/** mulberry32: a tiny, fast 32-bit PRNG; uniform enough for fault rolls and fully reproducible. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const zeroCounts = (): Record<FaultKind, number> => ({ throttle: 0, 'server-error': 0, timeout: 0 });

function checkRate(rate: number): number {
  if (!Number.isFinite(rate) || rate < 0 || rate > 1) throw new RangeError(`fault rate must be between 0 and 1, got ${rate}`);
  return rate;
}

export function createFaultInjector(plan: FaultPlan): FaultInjector {
  const kinds = plan.kinds ?? ALL_FAULT_KINDS;
  if (kinds.length === 0) throw new RangeError('a fault plan needs at least one kind');
  const services = new Set<FaultService>(plan.services ?? ALL_FAULT_SERVICES);
  const holdMs = plan.holdMs ?? DEFAULT_HOLD_MS;
  const random = mulberry32(plan.seed ?? 1);
  let rate = checkRate(plan.rate);
  const injected = new Map<string, Record<FaultKind, number>>();

  return {
    plan,
    setRate(next) {
      rate = checkRate(next);
    },
    counts() {
      return Object.fromEntries([...injected].map(([key, byKind]) => [key, { ...byKind }]));
    },
    total() {
      const sum = zeroCounts();
      for (const byKind of injected.values()) for (const kind of ALL_FAULT_KINDS) sum[kind] += byKind[kind];
      return sum;
    },
    decide(service, operation) {
      if (rate === 0 || !services.has(service)) return undefined;
      if (random() >= rate) return undefined;
      const kind = kinds[Math.floor(random() * kinds.length)]!;
      const variant = random();
      const key = `${service} ${operation}`;
      const byKind = injected.get(key) ?? zeroCounts();
      byKind[kind] += 1;
      injected.set(key, byKind);
      // Half of the timeouts let the call happen and lose only its answer: the case that makes a
      // client retry something already done, i.e. the one that tests idempotency.
      return { kind, variant, tookEffect: kind === 'timeout' && variant < 0.5, holdMs };
    },
  };
}
