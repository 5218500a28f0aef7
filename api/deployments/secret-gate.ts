// Before a deployment starts: the secrets of its connections must open. A record edited behind
// the store's back (a repointed role ARN, account, region or repository) is refused here with the
// store's explanation, so nothing is built or deployed for it; the activities would refuse it
// too (activities/deployment/clients.ts), but only after the workflow had started.
import type { ConnectionStore } from '../../common/connections/connection-store.js';
import { SealedValueError } from '../../common/secrets/secret-box.js';
import { ApiError, DEPLOYMENT_ERROR } from '../errors.js';

export async function requireUsableSecrets(
  connections: ConnectionStore,
  { githubConnectionId, awsConnectionId }: { githubConnectionId: string; awsConnectionId: string },
  rollback: boolean,
): Promise<void> {
  try {
    // A rollback builds nothing: only the AWS connection is used.
    if (!rollback) await connections.githubSecret(githubConnectionId);
    await connections.awsSecret(awsConnectionId);
  } catch (error) {
    if (!(error instanceof SealedValueError)) throw error;
    throw new ApiError(
      400,
      `${error.message}. Connect it again, or ask an operator (see docs/runbook/keys.md, "Rotating the encryption key")`,
      {},
      DEPLOYMENT_ERROR,
    );
  }
}
