// The worker's interceptors and sinks: the request id on every activity's log lines (always) and,
// when tracing is on, OpenTelemetry spans for activities (continuing the trace the workflow
// passed in the activity's header) plus the `tracing` sink that exports the spans the workflow
// interceptors (workflows/shared/trace-interceptors.ts) record inside the sandbox.
import { SpanKind, SpanStatusCode, TraceFlags } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import {
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry/lib/worker/index.js';
import type { ActivityInterceptorsFactory, InjectedSinks, WorkerOptions } from '@temporalio/worker';
import type { WorkflowInfo } from '@temporalio/workflow';
import type { Tracing } from '../common/telemetry/tracing.js';
import type { WorkflowSpan } from '../domain/workflow-spans.js';
import type { TracingSinks } from '../workflows/shared/trace-interceptors.js';
import { requestIdActivityInterceptors } from './request-id-interceptors.js';

const hrTime = (ms: number): [number, number] => [Math.floor(ms / 1000), (ms % 1000) * 1e6];

/** A span recorded in the sandbox, as the SDK's processors and exporters read one. */
export function readableWorkflowSpan(
  span: WorkflowSpan,
  info: Pick<WorkflowInfo, 'workflowId' | 'runId'>,
  resource: Tracing['resource'],
): ReadableSpan {
  const context = { traceId: span.traceId, spanId: span.spanId, traceFlags: TraceFlags.SAMPLED };
  const durationMs = Math.max(0, span.endMs - span.startMs);
  return {
    name: span.name,
    kind: SpanKind.INTERNAL,
    spanContext: () => context,
    parentSpanContext: { traceId: span.traceId, spanId: span.parentSpanId, traceFlags: TraceFlags.SAMPLED, isRemote: true },
    startTime: hrTime(span.startMs),
    endTime: hrTime(span.endMs),
    duration: hrTime(durationMs),
    status: span.error === undefined ? { code: SpanStatusCode.UNSET } : { code: SpanStatusCode.ERROR, message: span.error },
    attributes: { ...span.attributes, temporalWorkflowId: info.workflowId, run_id: info.runId },
    links: [],
    events: [],
    ended: true,
    resource,
    instrumentationScope: { name: 'switchyard-workflow' },
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  };
}

/** Always registered: a traced run calls it whether or not this worker traces. */
function tracingSinks(tracing: Tracing | undefined): InjectedSinks<TracingSinks> {
  return {
    tracing: {
      spans: {
        fn(info, spans) {
          if (!tracing) return;
          for (const span of spans) tracing.spanProcessor.onEnd(readableWorkflowSpan(span, info, tracing.resource));
        },
      },
    },
  };
}

const traceActivities: ActivityInterceptorsFactory = (ctx) => ({
  inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
  outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
});

export function workerInterceptors(tracing: Tracing | undefined): Pick<WorkerOptions, 'interceptors' | 'sinks'> {
  return {
    interceptors: { activity: [requestIdActivityInterceptors, ...(tracing ? [traceActivities] : [])] },
    sinks: tracingSinks(tracing),
  };
}
