// Seeded randomness, so a failing run can be replayed exactly with `--seed N`: every choice the
// suite makes (kill stage, delay, channel latency) comes from one of these generators.

export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  /** A generator of its own for a sub-task, so adding a draw in one scenario does not shift another's. */
  fork(label: string): Random;
}

/** mulberry32: small, fast and good enough for choosing fault points. */
export function seeded(seed: number): Random {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => {
      if (items.length === 0) throw new Error('pick from an empty list');
      return items[Math.floor(next() * items.length)]!;
    },
    fork: (label) => seeded(hash(`${seed}:${label}`)),
  };
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i += 1) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** Every item once in a seeded order, then again in another order: N runs spread over all items. */
export function spread<T>(random: Random, items: readonly T[], count: number): T[] {
  const out: T[] = [];
  while (out.length < count) {
    const round = [...items];
    for (let i = round.length - 1; i > 0; i -= 1) {
      const j = random.int(0, i);
      [round[i], round[j]] = [round[j]!, round[i]!];
    }
    out.push(...round);
  }
  return out.slice(0, count);
}
