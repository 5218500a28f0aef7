// The Temporal SDK's own metrics (task slots, poll latencies, schedule-to-start, sticky cache…) on
// a Prometheus endpoint, for the worker entries' Runtime.install. Tests never call this: their
// runtime stays quiet and binds no port.
import type { RuntimeOptions } from '@temporalio/worker';

/** `telemetryOptions` exporting core's metrics at `bindAddress` (host:port); none when unset. */
export function workerTelemetry(bindAddress: string | undefined): Pick<RuntimeOptions, 'telemetryOptions'> {
  if (!bindAddress) return {};
  // globalTags name the emitter, so a shared Prometheus tells Switchyard's workers apart.
  return { telemetryOptions: { metrics: { prometheus: { bindAddress }, globalTags: { service: 'switchyard-worker' } } } };
}
