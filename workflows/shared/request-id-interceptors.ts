// Carries the API request id (a Temporal header the API's client interceptor sets) through a
// workflow run: the latest start, signal or update that brought one names the request, and every
// activity, child workflow and continue-as-new scheduled after it gets the same header. Workflow
// log lines carry it too. Headers are not part of the commands replay compares.
import {
  defaultPayloadConverter,
  type Headers,
  type WorkflowInboundCallsInterceptor,
  type WorkflowOutboundCallsInterceptor,
} from '@temporalio/workflow';
import { REQUEST_ID_HEADER, REQUEST_ID_PATTERN } from '../../domain/request-id.js';

function readRequestId(headers: Headers): string | undefined {
  const payload = headers[REQUEST_ID_HEADER];
  if (!payload) return undefined;
  try {
    const value: unknown = defaultPayloadConverter.fromPayload(payload);
    return typeof value === 'string' && REQUEST_ID_PATTERN.test(value) ? value : undefined;
  } catch {
    return undefined; // a header we cannot read is ignored, never a workflow task failure
  }
}

export function requestIdInterceptors(): { inbound: WorkflowInboundCallsInterceptor; outbound: WorkflowOutboundCallsInterceptor } {
  let requestId: string | undefined;
  const remember = (headers: Headers) => {
    requestId = readRequestId(headers) ?? requestId;
  };
  const withId = (headers: Headers): Headers =>
    requestId === undefined ? headers : { ...headers, [REQUEST_ID_HEADER]: defaultPayloadConverter.toPayload(requestId) };
  return {
    inbound: {
      execute(input, next) {
        remember(input.headers);
        return next(input);
      },
      handleSignal(input, next) {
        remember(input.headers);
        return next(input);
      },
      handleUpdate(input, next) {
        remember(input.headers);
        return next(input);
      },
    },
    outbound: {
      scheduleActivity(input, next) {
        return next({ ...input, headers: withId(input.headers) });
      },
      scheduleLocalActivity(input, next) {
        return next({ ...input, headers: withId(input.headers) });
      },
      startChildWorkflowExecution(input, next) {
        return next({ ...input, headers: withId(input.headers) });
      },
      continueAsNew(input, next) {
        return next({ ...input, headers: withId(input.headers) });
      },
      getLogAttributes(input, next) {
        return next(requestId === undefined ? input : { ...input, requestId });
      },
    },
  };
}
