// AWS STS over the awsQuery protocol: a form-encoded `Action=…&Version=2011-06-15` body and XML
// answers. GetCallerIdentity (how Switchyard validates an AWS connection) and AssumeRole (how a
// role connection gets its temporary credentials), with AssumeRole's documented constraints:
// RoleArn 20–2048 chars, RoleSessionName 2–64 chars of [\w+=,.@-], DurationSeconds 900–43200
// and at most the role's MaxSessionDuration (one hour when chaining), ExternalId 2–1224 chars
// matching the trust policy's sts:ExternalId, and an inline Policy that must be JSON.
import { createHash } from 'node:crypto';
import { checkCaller, queryCallerError } from './access-keys.js';
import { AwsError } from './aws-error.js';
import { ACCOUNT_ID, EMULATED_USER_ARN } from './aws-identity.js';
import type { AwsEmulatorState } from './emulator-state.js';
import { requestId } from './random-ids.js';
import { assumedRoleArn, type RoleSession } from './sessions.js';

const NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';
const VERSION = '2011-06-15';

const ACTIONS = new Set(['GetCallerIdentity', 'AssumeRole']);

export function handleStsRequest(
  state: AwsEmulatorState,
  form: URLSearchParams,
  authorization: string | undefined,
  securityToken?: string,
): Response {
  const id = requestId();
  try {
    const action = form.get('Action');
    if (!action || !ACTIONS.has(action))
      throw new AwsError('InvalidAction', `Could not find operation ${action ?? '(none)'} for version ${VERSION}`);
    if (form.get('Version') !== VERSION)
      throw new AwsError('InvalidParameterValue', `Unsupported version: ${form.get('Version') ?? '(none)'}`);
    const caller = checkCaller(state.credentials, authorization, securityToken, state.sessions);
    if (!caller.ok) throw queryCallerError(caller, `sts:${action}`);
    if (action === 'AssumeRole') return xml(200, id, assumeRole(state, form, caller.session, id));
    const arn = caller.session ? assumedRoleArn(caller.session) : EMULATED_USER_ARN;
    const userId = caller.session ? `${caller.session.roleId}:${caller.session.sessionName}` : userIdFor(caller.accessKeyId);
    return xml(
      200,
      id,
      `<GetCallerIdentityResponse xmlns="${NAMESPACE}"><GetCallerIdentityResult>` +
        `<Arn>${escapeXml(arn)}</Arn><UserId>${escapeXml(userId)}</UserId><Account>${ACCOUNT_ID}</Account>` +
        `</GetCallerIdentityResult><ResponseMetadata><RequestId>${id}</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
    );
  } catch (error) {
    const awsError = error instanceof AwsError ? error : new AwsError('InternalFailure', 'An internal error occurred.', 500);
    return queryErrorResponse(awsError, id);
  }
}

/** An error as awsQuery encodes it: `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/>`. */
export function queryErrorResponse(error: AwsError, id = requestId()): Response {
  return xml(
    error.status,
    id,
    `<ErrorResponse xmlns="${NAMESPACE}"><Error><Type>${error.fault}</Type><Code>${escapeXml(error.code)}</Code>` +
      `<Message>${escapeXml(error.message)}</Message></Error><RequestId>${id}</RequestId></ErrorResponse>`,
  );
}

const SESSION_NAME = /^[\w+=,.@-]*$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]*$/;
const ROLE_ARN = /^arn:aws:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;

function assumeRole(state: AwsEmulatorState, form: URLSearchParams, callerSession: RoleSession | undefined, id: string): string {
  const roleArn = form.get('RoleArn');
  const sessionName = form.get('RoleSessionName');
  const externalId = form.get('ExternalId');
  const durationText = form.get('DurationSeconds');
  const policy = form.get('Policy');

  // Model constraints first, all of them in one ValidationError, the way AWS reports them.
  const problems: string[] = [];
  const violation = (value: string | null, member: string, constraint: string) =>
    problems.push(`Value ${value === null ? 'null' : `'${value}'`} at '${member}' failed to satisfy constraint: Member ${constraint}`);
  if (roleArn === null) violation(null, 'roleArn', 'must not be null');
  else if (roleArn.length < 20) violation(roleArn, 'roleArn', 'must have length greater than or equal to 20');
  else if (roleArn.length > 2048) violation(roleArn, 'roleArn', 'must have length less than or equal to 2048');
  if (sessionName === null) violation(null, 'roleSessionName', 'must not be null');
  else if (sessionName.length < 2) violation(sessionName, 'roleSessionName', 'must have length greater than or equal to 2');
  else if (sessionName.length > 64) violation(sessionName, 'roleSessionName', 'must have length less than or equal to 64');
  else if (!SESSION_NAME.test(sessionName))
    violation(sessionName, 'roleSessionName', 'must satisfy regular expression pattern: [\\w+=,.@-]*');
  if (externalId !== null) {
    if (externalId.length < 2) violation(externalId, 'externalId', 'must have length greater than or equal to 2');
    else if (externalId.length > 1224) violation(externalId, 'externalId', 'must have length less than or equal to 1224');
    else if (!EXTERNAL_ID.test(externalId))
      violation(externalId, 'externalId', 'must satisfy regular expression pattern: [\\w+=,.@:\\/-]*');
  }
  let durationSeconds = 3600;
  if (durationText !== null) {
    if (!/^-?\d+$/.test(durationText))
      throw new AwsError('ValidationError', `Value '${durationText}' for parameter DurationSeconds is invalid. Must be an integer.`);
    durationSeconds = Number(durationText);
    if (durationSeconds < 900) violation(durationText, 'durationSeconds', 'must have value greater than or equal to 900');
    else if (durationSeconds > 43200) violation(durationText, 'durationSeconds', 'must have value less than or equal to 43200');
  }
  if (problems.length > 0) {
    throw new AwsError(
      'ValidationError',
      `${problems.length} validation error${problems.length > 1 ? 's' : ''} detected: ${problems.join('; ')}`,
    );
  }
  if (policy !== null) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(policy);
    } catch {
      parsed = undefined;
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new AwsError('MalformedPolicyDocument', 'The policy is not in the valid JSON format.');
  }
  if (!ROLE_ARN.test(roleArn!)) throw new AwsError('ValidationError', `${roleArn} is invalid`);

  // The trust policy: only known roles of this account, with the ExternalId they require.
  const callerArn = callerSession ? assumedRoleArn(callerSession) : EMULATED_USER_ARN;
  const denied = () =>
    new AwsError('AccessDenied', `User: ${callerArn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`, 403);
  const role = state.sessions.role(roleArn!);
  if (!role) throw denied();
  if (role.externalId !== undefined && externalId !== role.externalId) throw denied();
  const maxSeconds = role.maxSessionDurationSeconds ?? 3600;
  if (callerSession && durationSeconds > 3600)
    throw new AwsError(
      'ValidationError',
      'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
    );
  if (durationSeconds > maxSeconds)
    throw new AwsError('ValidationError', 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');

  const session = state.sessions.create(role, sessionName!, durationSeconds, callerSession !== undefined);
  return (
    `<AssumeRoleResponse xmlns="${NAMESPACE}"><AssumeRoleResult>` +
    `<AssumedRoleUser><AssumedRoleId>${escapeXml(`${session.roleId}:${session.sessionName}`)}</AssumedRoleId><Arn>${escapeXml(assumedRoleArn(session))}</Arn></AssumedRoleUser>` +
    `<Credentials><AccessKeyId>${session.accessKeyId}</AccessKeyId><SecretAccessKey>${escapeXml(session.secretAccessKey)}</SecretAccessKey>` +
    `<SessionToken>${escapeXml(session.sessionToken)}</SessionToken><Expiration>${session.expiration.toISOString().replace(/\.\d{3}Z$/, 'Z')}</Expiration></Credentials>` +
    `${policy !== null ? `<PackedPolicySize>${Math.min(100, Math.ceil(policy.length / 20))}</PackedPolicySize>` : ''}` +
    `</AssumeRoleResult><ResponseMetadata><RequestId>${id}</RequestId></ResponseMetadata></AssumeRoleResponse>`
  );
}

/** IAM user ids start with AIDA; one stable id per access key. */
function userIdFor(accessKeyId: string): string {
  return `AIDA${createHash('sha256').update(accessKeyId).digest('hex').slice(0, 17).toUpperCase()}`;
}

function xml(status: number, id: string, body: string): Response {
  return new Response(`<?xml version="1.0" encoding="UTF-8"?>\n${body}`, {
    status,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': id },
  });
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}
