// The channel circuit breakers live in the worker process (activities/distribution/circuit-breaker.ts),
// so their state is exported from the worker, through the Temporal runtime's metric meter, on the
// same Prometheus endpoint as the SDK's own metrics (WORKER_METRICS_ADDRESS). Without that endpoint
// the meter is a no-op.
import { Runtime } from '@temporalio/worker';
import type { CircuitBreakerOptions } from '../activities/distribution/circuit-breaker.js';

/**
 * An `onChange` for the breakers. The open-until time (Unix seconds, 0 when closed) rather than a
 * 0/1 state: a circuit closes by time passing, with no call to report it, so Prometheus compares
 * the value with `time()` at evaluation. Created on first use: the runtime is installed by then.
 */
export function circuitMetrics(): NonNullable<CircuitBreakerOptions['onChange']> {
  let meters:
    | { openUntil: ReturnType<Runtime['metricMeter']['createGauge']>; openings: ReturnType<Runtime['metricMeter']['createCounter']> }
    | undefined;
  return (channel, openUntilMs, opened) => {
    const meter = Runtime.instance().metricMeter;
    meters ??= {
      openUntil: meter.createGauge(
        'switchyard_channel_circuit_open_until_seconds',
        'float',
        undefined,
        "Unix time until which the channel's circuit fails calls fast; 0 (or past) when closed.",
      ),
      openings: meter.createCounter(
        'switchyard_channel_circuit_openings_total',
        undefined,
        "Times the channel's circuit opened after repeated transient failures.",
      ),
    };
    meters.openUntil.set(openUntilMs / 1000, { channel });
    // Declared at 0 on first use, so rate() sees the first opening.
    meters.openings.add(opened ? 1 : 0, { channel });
  };
}
