// The API request id, from the activity's Temporal header (set by the workflow interceptor,
// workflows/shared/request-id-interceptors.ts) onto every line the activity logs through
// `Context.log` (and the SDK's own lines about it): one id from the access log to the AWS call.
import { defaultPayloadConverter } from '@temporalio/common';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { REQUEST_ID_HEADER, REQUEST_ID_PATTERN } from '../domain/request-id.js';

function readRequestId(payload: Parameters<typeof defaultPayloadConverter.fromPayload>[0] | undefined): string | undefined {
  if (!payload) return undefined;
  try {
    const value: unknown = defaultPayloadConverter.fromPayload(payload);
    return typeof value === 'string' && REQUEST_ID_PATTERN.test(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

export const requestIdActivityInterceptors: ActivityInterceptorsFactory = () => {
  let requestId: string | undefined;
  return {
    inbound: {
      execute(input, next) {
        requestId = readRequestId(input.headers[REQUEST_ID_HEADER]);
        return next(input);
      },
    },
    outbound: {
      getLogAttributes(input, next) {
        return next(requestId === undefined ? input : { ...input, requestId });
      },
    },
  };
};
