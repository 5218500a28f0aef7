// The AWS emulator's injected faults, in each protocol's own error encoding (AWS "Common Errors"
// of the API references): throttling is HTTP 400 `ThrottlingException` for the awsJson1_1
// services (ECR, ECS and CodeDeploy all answer it under that name, "Rate exceeded") and 400
// `Throttling` for STS (awsQuery); a server failure is 500 `InternalFailure` or 503
// `ServiceUnavailable`. The AWS SDK classifies these by name and status exactly as it does AWS's.
//
// Faults apply only to `POST /` (the service APIs). The blue/green probe URLs are the deployed
// application's own health answers (a deployment judges them; a transport fault there would be a
// different, semantic test) and /_emulator/aws/state is for people: both go straight through.
import { AwsError } from './aws-error.js';
import { jsonErrorResponse } from './json-protocol.js';
import { queryErrorResponse } from './sts-handler.js';
import type { FaultAnswers } from '../fault-handler.js';
import type { FaultDecision } from '../faults.js';

const THROTTLED = 'Rate exceeded';

export const awsFaultAnswers: FaultAnswers = {
  async operation(request) {
    if (request.method !== 'POST' || new URL(request.url).pathname !== '/') return undefined;
    const target = request.headers.get('x-amz-target');
    if (target) return target;
    // STS names its operation in the form body; the clone leaves the body for the handler.
    return new URLSearchParams(await request.clone().text()).get('Action') ?? '(no Action)';
  },
  throttle(request) {
    return isQuery(request)
      ? queryErrorResponse(new AwsError('Throttling', THROTTLED, 400))
      : jsonErrorResponse(new AwsError('ThrottlingException', THROTTLED, 400));
  },
  serverError(request, decision) {
    const error = serverError(decision);
    return isQuery(request) ? queryErrorResponse(error) : jsonErrorResponse(error);
  },
};

/** awsQuery (STS) requests carry no X-Amz-Target. */
const isQuery = (request: Request) => !request.headers.has('x-amz-target');

function serverError(decision: FaultDecision): AwsError {
  return decision.variant < 0.5
    ? new AwsError('InternalFailure', 'The request processing has failed because of an unknown error, exception or failure.', 500)
    : new AwsError('ServiceUnavailable', 'The request has failed due to a temporary failure of the server.', 503);
}
