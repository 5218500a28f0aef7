// Health probes of blue and green: a few GETs of `<url>/health` each, measuring latency and
// error rate. Green fails the check when its error rate passes the threshold.
import { percentile, type HealthFigures } from '../../domain/deployment.js';

export interface HealthProbeSettings {
  samples: number;
  timeoutMs: number;
  maxErrorRate: number;
}

export async function probe(url: string, settings: HealthProbeSettings): Promise<HealthFigures> {
  let failures = 0;
  const latencies: number[] = [];
  for (let i = 0; i < settings.samples; i++) {
    const started = performance.now();
    try {
      const res = await fetch(`${url.replace(/\/$/, '')}/health`, { signal: AbortSignal.timeout(settings.timeoutMs) });
      await res.arrayBuffer();
      if (!res.ok) failures += 1;
    } catch {
      failures += 1;
    }
    latencies.push(performance.now() - started);
  }
  const meanMs = latencies.reduce((sum, ms) => sum + ms, 0) / settings.samples;
  return {
    latencyMs: Math.round(meanMs), errorRate: failures / settings.samples, samples: settings.samples,
    p50Ms: Math.round(percentile(latencies, 50)), p95Ms: Math.round(percentile(latencies, 95)),
  };
}

export function createHealthActivities(settings: HealthProbeSettings) {
  return {
    async probeHealth({ blueUrl, greenUrl }: { blueUrl: string; greenUrl: string }): Promise<{ blue: HealthFigures; green: HealthFigures; greenHealthy: boolean }> {
      const [blue, green] = await Promise.all([probe(blueUrl, settings), probe(greenUrl, settings)]);
      return { blue, green, greenHealthy: green.errorRate <= settings.maxErrorRate };
    },

    /** After the switch production (the blue URL) serves the green revision: its figures are green's. */
    async probeProduction({ url }: { url: string }): Promise<HealthFigures> {
      return probe(url, settings);
    },
  };
}
