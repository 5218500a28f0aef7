// The awsJson1_1 wire protocol shared by ECR, ECS and CodeDeploy: `POST /` with
// `X-Amz-Target: <Prefix>.<Operation>` and a JSON body; a JSON result, or HTTP 4xx/5xx with
// `{"__type": "<ExceptionName>", "message": "…"}` and the `x-amzn-errortype` header, which the
// AWS SDK turns into its modeled exception class.
import type { Context } from 'hono';
import { jsonCallerError, checkCaller } from './access-keys.js';
import { AwsError } from './aws-error.js';
import type { AwsEmulatorState } from './emulator-state.js';
import { requestId } from './random-ids.js';

// Input shapes are the AWS API's; each operation reads the members it needs and validates them.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type JsonInput = Record<string, any>;
export type JsonOperation = (input: JsonInput) => unknown;

export interface JsonService {
  /** The X-Amz-Target prefix, e.g. `AmazonEC2ContainerRegistry_V20150921`. */
  targetPrefix: string;
  /** The IAM action prefix, e.g. `ecr`. */
  iamPrefix: string;
  operations: Record<string, JsonOperation>;
}

const CONTENT_TYPE = 'application/x-amz-json-1.1';

export async function handleJsonRequest(
  c: Context,
  state: AwsEmulatorState,
  service: JsonService,
  operationName: string,
): Promise<Response> {
  try {
    // AWS authenticates the caller before it looks at the operation.
    const caller = checkCaller(state.credentials, c.req.header('authorization'), c.req.header('x-amz-security-token'), state.sessions);
    if (!caller.ok) throw jsonCallerError(caller, `${service.iamPrefix}:${operationName}`);
    const operation = Object.hasOwn(service.operations, operationName) ? service.operations[operationName] : undefined;
    if (!operation) throw new AwsError('UnknownOperationException', `Operation ${operationName} is not supported by this emulator.`);
    const input = await readJsonBody(c);
    return respond(200, operation(input) ?? {});
  } catch (error) {
    const awsError =
      error instanceof AwsError
        ? error
        : new AwsError('InternalFailure', 'The request processing has failed because of an unknown error.', 500);
    if (!(error instanceof AwsError)) console.error('[aws-emulator]', error);
    return jsonErrorResponse(awsError);
  }
}

/** An error as awsJson1_1 encodes it: the status, `__type` and message, and `x-amzn-errortype`. */
export function jsonErrorResponse(error: AwsError): Response {
  return respond(error.status, { __type: error.code, message: error.message }, error.code);
}

async function readJsonBody(c: Context): Promise<JsonInput> {
  const text = await c.req.text();
  if (text.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as JsonInput;
  } catch {
    // same answer as a non-object body
  }
  throw new AwsError('SerializationException', 'The request body could not be read as a JSON object.');
}

function respond(status: number, body: unknown, errorType?: string): Response {
  const headers: Record<string, string> = { 'content-type': CONTENT_TYPE, 'x-amzn-requestid': requestId() };
  if (errorType) headers['x-amzn-errortype'] = errorType;
  return new Response(JSON.stringify(body), { status, headers });
}

/** A required string member, or the service's validation error naming it. */
export function requiredString(input: JsonInput, member: string, errorCode = 'InvalidParameterException'): string {
  const value = input[member];
  if (typeof value !== 'string' || value === '') throw new AwsError(errorCode, `${member} must be specified.`);
  return value;
}

export function optionalString(input: JsonInput, member: string): string | undefined {
  const value = input[member];
  return typeof value === 'string' && value !== '' ? value : undefined;
}
