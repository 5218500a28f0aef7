// The API's Temporal client interceptors: the request id (always) and, when tracing is on, the
// OpenTelemetry client spans whose context travels to the workflow in a header.
import type { ClientInterceptors, WorkflowClientInterceptor } from '@temporalio/client';
import { defaultPayloadConverter, type Headers } from '@temporalio/common';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry/lib/client/index.js';
import { REQUEST_ID_HEADER } from '../../domain/request-id.js';
import { currentRequestId } from './request-scope.js';

function withRequestId(headers: Headers): Headers {
  const requestId = currentRequestId();
  return requestId === undefined ? headers : { ...headers, [REQUEST_ID_HEADER]: defaultPayloadConverter.toPayload(requestId) };
}

/** Puts the current request's id on everything that reaches a workflow (start, signal, update). */
export class RequestIdClientInterceptor implements WorkflowClientInterceptor {
  start: WorkflowClientInterceptor['start'] = (input, next) => next({ ...input, headers: withRequestId(input.headers) });
  startWithDetails: WorkflowClientInterceptor['startWithDetails'] = (input, next) =>
    next({ ...input, headers: withRequestId(input.headers) });
  signal: WorkflowClientInterceptor['signal'] = (input, next) => next({ ...input, headers: withRequestId(input.headers) });
  signalWithStart: WorkflowClientInterceptor['signalWithStart'] = (input, next) =>
    next({ ...input, headers: withRequestId(input.headers) });
  startUpdate: WorkflowClientInterceptor['startUpdate'] = (input, next) => next({ ...input, headers: withRequestId(input.headers) });
  startUpdateWithStart: WorkflowClientInterceptor['startUpdateWithStart'] = (input, next) =>
    next({ ...input, workflowStartHeaders: withRequestId(input.workflowStartHeaders), updateHeaders: withRequestId(input.updateHeaders) });
}

/** `inner`: the caller's own interceptors, innermost (timing, say, then measures the call alone). */
export function clientInterceptors(tracing: boolean, inner: WorkflowClientInterceptor[] = []): ClientInterceptors {
  // The tracing interceptor is outermost, so its span covers the call with our header added.
  return { workflow: [...(tracing ? [new OpenTelemetryWorkflowClientInterceptor()] : []), new RequestIdClientInterceptor(), ...inner] };
}
