// Who is calling: the access key id from the SigV4 Authorization header, checked against the keys
// the emulator was configured with. Signatures are not verified — the point is that a wrong or
// unauthorized key fails the way AWS fails it, not to be a security boundary.
import { AwsError } from './aws-error.js';
import { EMULATED_USER_ARN } from './aws-identity.js';

export interface AccessKeyConfig {
  /** Keys that may do everything. */
  accessKeyIds: string[];
  /** A key that authenticates but is allowed nothing (AccessDenied on every call). */
  unauthorizedAccessKeyId?: string;
}

export type CallerCheck = { ok: true; accessKeyId: string } | { ok: false; reason: 'missing' | 'unknown' | 'denied'; accessKeyId?: string };

const CREDENTIAL = /Credential=([^/,\s]+)\//;

export function accessKeyIdFrom(authorization: string | undefined): string | undefined {
  return authorization ? CREDENTIAL.exec(authorization)?.[1] : undefined;
}

export function checkCaller(config: AccessKeyConfig, authorization: string | undefined): CallerCheck {
  const accessKeyId = accessKeyIdFrom(authorization);
  if (!accessKeyId) return { ok: false, reason: 'missing' };
  if (accessKeyId === config.unauthorizedAccessKeyId) return { ok: false, reason: 'denied', accessKeyId };
  if (!config.accessKeyIds.includes(accessKeyId)) return { ok: false, reason: 'unknown', accessKeyId };
  return { ok: true, accessKeyId };
}

/** The error AWS JSON services return for a caller that failed the check; `action` like `ecs:DescribeServices`. */
export function jsonCallerError(check: Exclude<CallerCheck, { ok: true }>, action: string): AwsError {
  switch (check.reason) {
    case 'missing':
      return new AwsError('MissingAuthenticationTokenException', 'Missing Authentication Token');
    case 'unknown':
      return new AwsError('UnrecognizedClientException', 'The security token included in the request is invalid.');
    case 'denied':
      return new AwsError('AccessDeniedException', `User: ${EMULATED_USER_ARN} is not authorized to perform: ${action} on resource: * because no identity-based policy allows the ${action} action`);
  }
}

/** The awsQuery (STS) error for the same situations. */
export function queryCallerError(check: Exclude<CallerCheck, { ok: true }>, action: string): AwsError {
  switch (check.reason) {
    case 'missing':
      return new AwsError('MissingAuthenticationToken', 'Request is missing Authentication Token', 403);
    case 'unknown':
      return new AwsError('InvalidClientTokenId', 'The security token included in the request is invalid.', 403);
    case 'denied':
      return new AwsError('AccessDenied', `User: ${EMULATED_USER_ARN} is not authorized to perform: ${action}`, 403);
  }
}
