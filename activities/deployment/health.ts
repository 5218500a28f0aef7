// Health probes of blue and green: a few GETs of `<url>/health` each, measuring latency and
// error rate. Green fails the check when its error rate passes the threshold. Each GET follows no
// redirect and reaches no link-local or metadata address (probe-request.ts); what failed is kept
// in the figures' `problems`, so a window or a failed check shows where green tried to send us.
import { percentile, type HealthFigures } from '../../domain/deployment.js';
import { probeRequest } from './probe-request.js';

/** Distinct problems kept per probe: enough to show what happened, never a flood. */
const KEPT_PROBLEMS = 3;

export interface HealthProbeSettings {
  samples: number;
  timeoutMs: number;
  maxErrorRate: number;
}

export async function probe(url: string, settings: HealthProbeSettings): Promise<HealthFigures> {
  let failures = 0;
  const latencies: number[] = [];
  const problems = new Set<string>();
  for (let i = 0; i < settings.samples; i++) {
    const started = performance.now();
    const problem = await probeRequest(`${url.replace(/\/$/, '')}/health`, settings.timeoutMs);
    if (problem !== undefined) {
      failures += 1;
      if (problems.size < KEPT_PROBLEMS) problems.add(problem);
    }
    latencies.push(performance.now() - started);
  }
  const meanMs = latencies.reduce((sum, ms) => sum + ms, 0) / settings.samples;
  return {
    latencyMs: Math.round(meanMs),
    errorRate: failures / settings.samples,
    samples: settings.samples,
    p50Ms: Math.round(percentile(latencies, 50)),
    p95Ms: Math.round(percentile(latencies, 95)),
    ...(problems.size > 0 ? { problems: [...problems] } : {}),
  };
}

export function createHealthActivities(settings: HealthProbeSettings) {
  return {
    async probeHealth({
      blueUrl,
      greenUrl,
    }: {
      blueUrl: string;
      greenUrl: string;
    }): Promise<{ blue: HealthFigures; green: HealthFigures; greenHealthy: boolean }> {
      const [blue, green] = await Promise.all([probe(blueUrl, settings), probe(greenUrl, settings)]);
      return { blue, green, greenHealthy: green.errorRate <= settings.maxErrorRate };
    },

    /** After the switch production (the blue URL) serves the green revision: its figures are green's. */
    async probeProduction({ url }: { url: string }): Promise<HealthFigures> {
      return probe(url, settings);
    },
  };
}
