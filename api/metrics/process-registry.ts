// The API process's own figures (memory, CPU, event loop lag, GC, and the time its Temporal calls
// take): one registry per process, not per app, so test processes that build many apps install
// one set of observers. Created on first use.
import { Histogram, Registry, collectDefaultMetrics } from 'prom-client';

let registry: Registry | undefined;
let temporalCalls: Histogram<'call' | 'outcome'> | undefined;

export function processRegistry(): Registry {
  if (!registry) {
    registry = new Registry();
    collectDefaultMetrics({ register: registry, prefix: 'switchyard_api_' });
  }
  return registry;
}

/** How long each Temporal call the API makes takes: where a slow read's time goes (query against describe). */
export function temporalCallDuration(): Histogram<'call' | 'outcome'> {
  temporalCalls ??= new Histogram({
    name: 'switchyard_temporal_call_duration_seconds',
    help: "Duration of the API's calls into Temporal, by call (query, describe, update, start, signal) and outcome (ok, error, deadline: an update past its bound).",
    labelNames: ['call', 'outcome'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [processRegistry()],
  });
  return temporalCalls;
}
