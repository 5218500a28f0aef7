// Reads Prometheus text exposition for the bench's profiles: a histogram's samples summed over
// every label set that matches, so the difference of two scrapes says what happened between
// them (how many calls, their mean, and a p95 from the buckets).
export interface HistogramTotals {
  count: number;
  sum: number;
  /** Cumulative counts by upper bound (`le`), ascending. */
  buckets: [number, number][];
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{([^}]*)\})? ([^ ]+)/;

function labelsOf(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of (text ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) out[m[1]!] = m[2]!;
  return out;
}

/** `name`'s histogram, summed over the label sets that carry every label of `match`. */
export function histogram(text: string, name: string, match: Record<string, string> = {}): HistogramTotals {
  const totals: HistogramTotals = { count: 0, sum: 0, buckets: [] };
  const byLe = new Map<number, number>();
  for (const line of text.split('\n')) {
    const m = SAMPLE.exec(line);
    if (!m || !m[1]!.startsWith(name)) continue;
    const labels = labelsOf(m[2]);
    if (!Object.entries(match).every(([k, v]) => labels[k] === v)) continue;
    const value = Number(m[3]);
    if (m[1] === `${name}_count`) totals.count += value;
    else if (m[1] === `${name}_sum`) totals.sum += value;
    else if (m[1] === `${name}_bucket`) {
      const le = labels.le === '+Inf' ? Infinity : Number(labels.le);
      byLe.set(le, (byLe.get(le) ?? 0) + value);
    }
  }
  totals.buckets = [...byLe.entries()].sort((a, b) => a[0] - b[0]);
  return totals;
}

/** A gauge or counter, summed over the label sets that match. */
export function sampleSum(text: string, name: string, match: Record<string, string> = {}): number {
  let total = 0;
  for (const line of text.split('\n')) {
    const m = SAMPLE.exec(line);
    if (m?.[1] !== name) continue;
    const labels = labelsOf(m[2]);
    if (Object.entries(match).every(([k, v]) => labels[k] === v)) total += Number(m[3]);
  }
  return total;
}

/** What happened between two scrapes: calls, mean, and the bucket bound the p95 falls under. */
export function between(before: HistogramTotals, after: HistogramTotals): { count: number; mean: number; p95: number } {
  const count = after.count - before.count;
  const mean = count > 0 ? (after.sum - before.sum) / count : NaN;
  const earlier = new Map(before.buckets);
  const target = 0.95 * count;
  const p95 = count <= 0 ? NaN : (after.buckets.find(([le, n]) => n - (earlier.get(le) ?? 0) >= target)?.[0] ?? NaN);
  return { count, mean, p95 };
}
