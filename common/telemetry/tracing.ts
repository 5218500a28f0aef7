// OpenTelemetry for one process (API or worker): a tracer provider, W3C trace-context
// propagation, and spans for outgoing HTTP (node:http(s): the AWS SDK's NodeHttpHandler and
// Slack's axios; undici: `fetch`, which Octokit and the channel publishers use). Started only
// when an exporter is configured (OTEL_EXPORTER_OTLP_*ENDPOINT); otherwise nothing is
// registered and the OpenTelemetry API stays the no-op it is by default.
import { createRequire } from 'node:module';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, SimpleSpanProcessor, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { TracingConfig } from '../config/config.js';
import { RedactingSpanExporter } from './span-redaction.js';

export interface Tracing {
  /** Where finished spans go (the worker hands workflow spans to it too). */
  spanProcessor: SpanProcessor;
  resource: Resource;
  /** Flushes what is buffered and stops exporting. */
  shutdown(): Promise<void>;
}

export interface TracingOptions {
  serviceName: string;
  exporter: SpanExporter;
  /** Export each span as it ends (tests); by default spans are batched. */
  immediate?: boolean;
}

/** Starts tracing into `exporter` (always through span redaction). Call once per process, early. */
export function startTracing(options: TracingOptions): Tracing {
  const resource = resourceFromAttributes({ 'service.name': options.serviceName });
  const exporter = new RedactingSpanExporter(options.exporter);
  const spanProcessor = options.immediate ? new SimpleSpanProcessor(exporter) : new BatchSpanProcessor(exporter);
  const provider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  provider.register();
  const unregister = registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      // Incoming requests get the API's own span, named by route template (api/tracing.ts).
      new HttpInstrumentation({ disableIncomingRequestInstrumentation: true }),
      new UndiciInstrumentation(),
    ],
  });
  // The http instrumentation patches node:http(s) when they are next required; the AWS SDK may
  // have required them already, so require them once now (the patch changes the shared module).
  const require = createRequire(import.meta.url);
  require('node:http');
  require('node:https');
  return {
    spanProcessor,
    resource,
    async shutdown() {
      unregister();
      await provider.shutdown();
    },
  };
}

/** Tracing as configured: OTLP over HTTP to the configured endpoint, or undefined (off) when none is. */
export function startConfiguredTracing(config: TracingConfig, defaultServiceName: string): Tracing | undefined {
  if (!config.tracesEndpoint) return undefined;
  // Headers (OTEL_EXPORTER_OTLP_HEADERS, may hold a collector's key) are read by the exporter itself.
  return startTracing({
    serviceName: config.serviceName ?? defaultServiceName,
    exporter: new OTLPTraceExporter({ url: config.tracesEndpoint }),
  });
}
