// Who is calling: the access key id from the SigV4 Authorization header, checked against the keys
// the emulator was configured with. Signatures are not verified — the point is that a wrong or
// unauthorized key fails the way AWS fails it, not to be a security boundary. Temporary
// credentials from AssumeRole (ASIA… keys) must come with their X-Amz-Security-Token and are
// refused once expired.
import { AwsError } from './aws-error.js';
import { EMULATED_USER_ARN } from './aws-identity.js';
import type { RoleSession, RoleSessions } from './sessions.js';

export interface AccessKeyConfig {
  /** Keys that may do everything. */
  accessKeyIds: string[];
  /** A key that authenticates but is allowed nothing (AccessDenied on every call). */
  unauthorizedAccessKeyId?: string;
}

export type CallerCheck =
  | { ok: true; accessKeyId: string; /** Set for temporary credentials: the assumed role. */ session?: RoleSession }
  | { ok: false; reason: 'missing' | 'unknown' | 'denied' | 'expired'; accessKeyId?: string };

const CREDENTIAL = /Credential=([^/,\s]+)\//;

export function accessKeyIdFrom(authorization: string | undefined): string | undefined {
  return authorization ? CREDENTIAL.exec(authorization)?.[1] : undefined;
}

export function checkCaller(
  config: AccessKeyConfig,
  authorization: string | undefined,
  securityToken?: string,
  sessions?: RoleSessions,
): CallerCheck {
  const accessKeyId = accessKeyIdFrom(authorization);
  if (!accessKeyId) return { ok: false, reason: 'missing' };
  const session = sessions?.get(accessKeyId);
  if (session) {
    // A temporary key is only valid together with its own session token.
    if (securityToken !== session.sessionToken) return { ok: false, reason: 'unknown', accessKeyId };
    if (sessions!.expired(session)) return { ok: false, reason: 'expired', accessKeyId };
    return { ok: true, accessKeyId, session };
  }
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
    case 'expired':
      return new AwsError('ExpiredTokenException', 'The security token included in the request is expired');
    case 'denied':
      return new AwsError(
        'AccessDeniedException',
        `User: ${EMULATED_USER_ARN} is not authorized to perform: ${action} on resource: * because no identity-based policy allows the ${action} action`,
      );
  }
}

/** The awsQuery (STS) error for the same situations. */
export function queryCallerError(check: Exclude<CallerCheck, { ok: true }>, action: string): AwsError {
  switch (check.reason) {
    case 'missing':
      return new AwsError('MissingAuthenticationToken', 'Request is missing Authentication Token', 403);
    case 'unknown':
      return new AwsError('InvalidClientTokenId', 'The security token included in the request is invalid.', 403);
    case 'expired':
      return new AwsError('ExpiredToken', 'The security token included in the request is expired', 403);
    case 'denied':
      return new AwsError('AccessDenied', `User: ${EMULATED_USER_ARN} is not authorized to perform: ${action}`, 403);
  }
}
