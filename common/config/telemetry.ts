// What the processes report: OpenTelemetry traces (common/telemetry/tracing.ts) and the worker's
// Temporal SDK metrics endpoint.
import { z } from 'zod';
import { booleanFlag } from './fields.js';

const telemetrySchema = z.object({
  // host:port for the worker's Temporal SDK Prometheus endpoint (worker entries only); unset: off.
  WORKER_METRICS_ADDRESS: z
    .string()
    .regex(/^[^\s]+:\d+$/, 'must be host:port')
    .optional(),
  // OpenTelemetry traces (common/telemetry/tracing.ts), exported over OTLP/HTTP only when an endpoint is set.
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as http://collector:4318' }).optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL such as http://collector:4318/v1/traces' })
    .optional(),
  OTEL_SERVICE_NAME: z.string().trim().min(1).max(200).optional(),
  OTEL_SDK_DISABLED: booleanFlag.optional(),
});
export const telemetryFields = telemetrySchema.shape;
type TelemetryRaw = z.infer<typeof telemetrySchema>;

/** OpenTelemetry tracing: off unless an OTLP endpoint is set (and OTEL_SDK_DISABLED is not true). */
export interface TracingConfig {
  /** The OTLP/HTTP traces URL: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as given, else OTEL_EXPORTER_OTLP_ENDPOINT + /v1/traces. */
  tracesEndpoint: string | undefined;
  /** OTEL_SERVICE_NAME; undefined: switchyard-api or switchyard-worker. */
  serviceName: string | undefined;
}

export interface TelemetryConfig {
  /** host:port of the worker's SDK metrics endpoint; undefined: off. */
  workerMetricsAddress: string | undefined;
  tracing: TracingConfig;
}

export function telemetryConfig(raw: TelemetryRaw): TelemetryConfig {
  const base = raw.OTEL_EXPORTER_OTLP_ENDPOINT;
  const endpoint = raw.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (base ? `${base.replace(/\/+$/, '')}/v1/traces` : undefined);
  return {
    workerMetricsAddress: raw.WORKER_METRICS_ADDRESS,
    tracing: { tracesEndpoint: raw.OTEL_SDK_DISABLED ? undefined : endpoint, serviceName: raw.OTEL_SERVICE_NAME },
  };
}
