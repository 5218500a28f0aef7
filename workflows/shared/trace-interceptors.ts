// Workflow spans without a single extra await: each interceptor calls next() synchronously and
// returns its promise untouched, ending the span on a side branch. So a workflow's commands come
// out in the same order with or without tracing, and histories recorded before it replay (the
// interceptors of @temporalio/interceptors-opentelemetry add awaits, which reorder commands).
// A run is traced only when its start carried a trace context (the API's client interceptor
// sets it when tracing is on); otherwise every method is a plain pass-through.
import {
  AsyncLocalStorage,
  defaultPayloadConverter,
  proxySinks,
  workflowInfo,
  type Headers,
  type Sinks,
  type WorkflowInboundCallsInterceptor,
  type WorkflowOutboundCallsInterceptor,
} from '@temporalio/workflow';
import { TRACE_HEADER, type WorkflowSpan } from '../../domain/workflow-spans.js';

export interface TracingSinks extends Sinks {
  tracing: { spans(spans: WorkflowSpan[]): void };
}

interface SpanContext {
  traceId: string;
  spanId: string;
}
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/;

function parentFrom(headers: Headers): SpanContext | undefined {
  const payload = headers[TRACE_HEADER];
  if (!payload) return undefined;
  try {
    const carrier = defaultPayloadConverter.fromPayload<{ traceparent?: unknown }>(payload);
    const match = typeof carrier?.traceparent === 'string' ? TRACEPARENT.exec(carrier.traceparent) : null;
    return match ? { traceId: match[1]!, spanId: match[2]! } : undefined;
  } catch {
    return undefined;
  }
}

function withContext(headers: Headers, span: SpanContext): Headers {
  return { ...headers, [TRACE_HEADER]: defaultPayloadConverter.toPayload({ traceparent: `00-${span.traceId}-${span.spanId}-01` }) };
}

// The span of the handler (signal, update) that is running, so what it schedules is its child;
// the sandbox's AsyncLocalStorage follows the handler's promises without adding awaits. One for
// the module, not one a run: every instance stays registered with the isolate's async hooks.
const handling = new AsyncLocalStorage<SpanContext>();

/** 32-bit FNV-1a, as 8 hex digits. Span ids come from the run id and a counter, never Math.random (the workflow's own sequence). */
function fnv(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash.toString(16).padStart(8, '0');
}

export function traceInterceptors(): { inbound: WorkflowInboundCallsInterceptor; outbound: WorkflowOutboundCallsInterceptor } {
  let run: SpanContext | undefined;
  const current = () => handling.getStore() ?? run;
  let counter = 0;
  const sink = () => proxySinks<TracingSinks>().tracing;

  /** Opens a span under `parent`, runs `start` with it, and ends it when the returned promise settles. */
  function span<T>(
    name: string,
    parent: SpanContext,
    attributes: Record<string, string>,
    start: (self: SpanContext) => Promise<T>,
  ): Promise<T> {
    const key = `${workflowInfo().runId}:${++counter}`;
    const self = { traceId: parent.traceId, spanId: fnv(key) + fnv(`${key}:2`) };
    const startMs = Date.now();
    const end = (error?: unknown) => {
      const failed = error !== undefined && (error as Error)?.name !== 'ContinueAsNew';
      sink().spans([
        {
          name,
          ...self,
          parentSpanId: parent.spanId,
          startMs,
          endMs: Date.now(),
          attributes,
          ...(failed ? { error: String((error as Error)?.message ?? error) } : {}),
        },
      ]);
    };
    const result = start(self);
    result.then(() => end(), end);
    return result;
  }

  return {
    inbound: {
      execute(input, next) {
        const parent = parentFrom(input.headers);
        if (!parent) return next(input);
        return span(`RunWorkflow:${workflowInfo().workflowType}`, parent, {}, (self) => {
          run = self;
          return next(input);
        });
      },
      handleSignal(input, next) {
        const parent = parentFrom(input.headers);
        return parent ? span(`HandleSignal:${input.signalName}`, parent, {}, (self) => handling.run(self, () => next(input))) : next(input);
      },
      handleUpdate(input, next) {
        const parent = parentFrom(input.headers);
        return parent
          ? span(`HandleUpdate:${input.name}`, parent, { temporalUpdateId: input.updateId }, (self) =>
              handling.run(self, () => next(input)),
            )
          : next(input);
      },
    },
    outbound: {
      scheduleActivity(input, next) {
        const parent = current();
        if (!parent) return next(input);
        return span(`StartActivity:${input.activityType}`, parent, {}, (self) =>
          next({ ...input, headers: withContext(input.headers, self) }),
        );
      },
      startChildWorkflowExecution(input, next) {
        const parent = current();
        if (!parent) return next(input);
        return span(`StartChildWorkflow:${input.workflowType}`, parent, {}, (self) =>
          next({ ...input, headers: withContext(input.headers, self) }),
        );
      },
      continueAsNew(input, next) {
        // The next run continues this trace (as a child of this run's span).
        return run ? next({ ...input, headers: withContext(input.headers, run) }) : next(input);
      },
    },
  };
}
