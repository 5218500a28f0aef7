// The spans the workflow interceptors record inside the sandbox (workflows/shared/trace-interceptors.ts)
// and hand to the worker through the `tracing` sink (worker/tracing.ts), which exports them.
export const TRACE_HEADER = '_tracer-data'; // @temporalio/interceptors-opentelemetry's header: its client and activity interceptors read and write it

export interface WorkflowSpan {
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  startMs: number;
  endMs: number;
  attributes: Record<string, string>;
  /** Set when what the span covers failed. */
  error?: string;
}
