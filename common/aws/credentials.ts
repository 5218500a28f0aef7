// The credentials an AWS SDK client uses for a stored AWS connection: its static keys, or for a
// role connection temporary credentials from STS AssumeRole, assumed with the process's base
// credentials (the default provider chain unless configured: the sandbox passes its known keys).
// The SDK's fromTemporaryCredentials does the AssumeRole; each client memoizes and refreshes the
// identity before its Expiration. Nothing here is logged or returned to callers of the API.
import { fromNodeProviderChain, fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';
import type { AwsConnection, AwsSecret } from '../connections/connection-store.js';

export type { AwsCredentialIdentityProvider } from '@aws-sdk/types';

export interface AwsAccess {
  /** One endpoint for every AWS service, STS included: the sandbox emulator; undefined in production. */
  endpoint: string | undefined;
  /** Who assumes role connections' roles; the SDK's default provider chain when absent. */
  baseCredentials?: AwsCredentialIdentityProvider | undefined;
}

/** RoleSessionName: 2–64 characters of [\w+=,.@-]; `switchyard-<id>` with anything else replaced. */
export function roleSessionName(id: string): string {
  return `switchyard-${id}`.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
}

let defaultChain: AwsCredentialIdentityProvider | undefined;
const defaultBaseCredentials = (): AwsCredentialIdentityProvider => (defaultChain ??= fromNodeProviderChain());

/** `credentials` for an SDK client of `connection`; `sessionName` names the role session (see roleSessionName). */
export function awsCredentials(
  resolved: { connection: AwsConnection; secret: AwsSecret },
  access: AwsAccess,
  sessionName: string,
): AwsCredentialIdentity | AwsCredentialIdentityProvider {
  const { connection, secret } = resolved;
  if (!connection.roleArn) {
    if (!('accessKeyId' in secret)) throw new Error(`AWS connection ${connection.id} has neither keys nor a role`);
    return {
      accessKeyId: secret.accessKeyId,
      secretAccessKey: secret.secretAccessKey,
      ...(secret.sessionToken ? { sessionToken: secret.sessionToken } : {}),
    };
  }
  const externalId = 'externalId' in secret ? secret.externalId : undefined;
  return fromTemporaryCredentials({
    params: { RoleArn: connection.roleArn, RoleSessionName: sessionName, ...(externalId ? { ExternalId: externalId } : {}) },
    masterCredentials: access.baseCredentials ?? defaultBaseCredentials(),
    clientConfig: { region: connection.region, maxAttempts: 1, ...(access.endpoint ? { endpoint: access.endpoint } : {}) },
  });
}
