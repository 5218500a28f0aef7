// AWS STS over the awsQuery protocol: a form-encoded `Action=…&Version=2011-06-15` body and XML
// answers. Only GetCallerIdentity, which is how Switchyard validates an AWS connection.
import { createHash } from 'node:crypto';
import { checkCaller, queryCallerError } from './access-keys.js';
import { AwsError } from './aws-error.js';
import { ACCOUNT_ID, EMULATED_USER_ARN } from './aws-identity.js';
import type { AwsEmulatorState } from './emulator-state.js';
import { requestId } from './random-ids.js';

const NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';
const VERSION = '2011-06-15';

export function handleStsRequest(state: AwsEmulatorState, form: URLSearchParams, authorization: string | undefined): Response {
  const id = requestId();
  try {
    const action = form.get('Action');
    if (action !== 'GetCallerIdentity') throw new AwsError('InvalidAction', `Could not find operation ${action ?? '(none)'} for version ${VERSION}`);
    if (form.get('Version') !== VERSION) throw new AwsError('InvalidParameterValue', `Unsupported version: ${form.get('Version') ?? '(none)'}`);
    const caller = checkCaller(state.credentials, authorization);
    if (!caller.ok) throw queryCallerError(caller, `sts:${action}`);
    return xml(200, id, `<GetCallerIdentityResponse xmlns="${NAMESPACE}"><GetCallerIdentityResult>`
      + `<Arn>${escapeXml(EMULATED_USER_ARN)}</Arn><UserId>${userIdFor(caller.accessKeyId)}</UserId><Account>${ACCOUNT_ID}</Account>`
      + `</GetCallerIdentityResult><ResponseMetadata><RequestId>${id}</RequestId></ResponseMetadata></GetCallerIdentityResponse>`);
  } catch (error) {
    const awsError = error instanceof AwsError ? error : new AwsError('InternalFailure', 'An internal error occurred.', 500);
    return xml(awsError.status, id, `<ErrorResponse xmlns="${NAMESPACE}"><Error><Type>${awsError.fault}</Type><Code>${escapeXml(awsError.code)}</Code>`
      + `<Message>${escapeXml(awsError.message)}</Message></Error><RequestId>${id}</RequestId></ErrorResponse>`);
  }
}

/** IAM user ids start with AIDA; one stable id per access key. */
function userIdFor(accessKeyId: string): string {
  return `AIDA${createHash('sha256').update(accessKeyId).digest('hex').slice(0, 17).toUpperCase()}`;
}

function xml(status: number, id: string, body: string): Response {
  return new Response(`<?xml version="1.0" encoding="UTF-8"?>\n${body}`, { status, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': id } });
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}
