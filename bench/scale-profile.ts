// Where the scale row's latencies go: the API's own Temporal calls (query answered by a worker,
// describe by the server) and the workers' workflow tasks (queueing, execution, the sticky cache
// that spares a replay), read from both sides' Prometheus endpoints before and after a measure.
import { between, histogram, sampleSum } from './prom-text.js';

export interface Scrapes {
  api: string;
  workers: string[];
}

export async function scrape(apiUrl: string, workerUrls: string[]): Promise<Scrapes> {
  const text = (url: string) => fetch(url).then((r) => r.text());
  return { api: await text(`${apiUrl}/metrics`), workers: await Promise.all(workerUrls.map(text)) };
}

const ms = (n: number) => (Number.isFinite(n) ? `${n.toFixed(0)} ms` : '–');
// histogram() sums every label set of a text, so both workers' texts read as one sums them.
const sumWorkers = (s: Scrapes, name: string) => histogram(s.workers.join('\n'), name);

/** One line: the API's query and describe calls (seconds in prom-client), the workers' task figures (core reports ms). */
export function profileLine(before: Scrapes, after: Scrapes): string {
  const call = (name: string) =>
    between(
      histogram(before.api, 'switchyard_temporal_call_duration_seconds', { call: name }),
      histogram(after.api, 'switchyard_temporal_call_duration_seconds', { call: name }),
    );
  const query = call('query');
  const describe = call('describe');
  const task = (name: string) => between(sumWorkers(before, name), sumWorkers(after, name));
  const queued = task('temporal_workflow_task_schedule_to_start_latency');
  const executed = task('temporal_workflow_task_execution_latency');
  const replayed = task('temporal_workflow_task_replay_latency');
  const cache = after.workers.map((t) => sampleSum(t, 'temporal_sticky_cache_size').toFixed(0)).join(' + ');
  const evictions = (t: Scrapes) => sampleSum(t.workers.join('\n'), 'temporal_sticky_cache_total_forced_eviction');
  const evicted = evictions(after) - evictions(before);
  return (
    `query ${query.count}× mean ${ms(query.mean * 1000)} (p95 ≤ ${ms(query.p95 * 1000)}), ` +
    `describe ${describe.count}× mean ${ms(describe.mean * 1000)} (p95 ≤ ${ms(describe.p95 * 1000)}); ` +
    `workflow tasks ${executed.count}: queued mean ${ms(queued.mean)} (p95 ≤ ${ms(queued.p95)}), ` +
    `run mean ${ms(executed.mean)}, replays ${replayed.count} (mean ${ms(replayed.mean)}); ` +
    `sticky cache ${cache}, forced evictions +${evicted}`
  );
}
