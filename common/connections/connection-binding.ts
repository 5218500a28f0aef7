// What a connection's sealed secret is bound to (AES-GCM additional authenticated data): every
// field that gives the secret its meaning, so a database or file writer cannot point a secret at
// something else and keep it. For AWS: the account, the region and the role ARN (a role's
// ExternalId is only meaningful for that role; keys moved to another region would deploy there);
// for GitHub: the owner, repository and branch the token is used on. Not createdAt: it changes
// nothing the secret does. Records sealed before this binding were bound to the id alone
// (legacyBinding), which opens them until `npm run keys:rotate` re-seals them.
import type { Connection } from './connection-store.js';
import { SealedValueError, type SecretBox } from '../secrets/secret-box.js';

const BINDING_VERSION = 'switchyard connection v2';

export function connectionBinding(connection: Connection): string {
  const fields =
    connection.kind === 'aws'
      ? [connection.accountId, connection.region, connection.roleArn ?? null]
      : [connection.owner, connection.repo, connection.branch];
  return JSON.stringify([BINDING_VERSION, connection.id, connection.kind, ...fields]);
}

/** The binding of before: the connection id alone. */
export function legacyBinding(connection: Connection): string {
  return connection.id;
}

/** The names of the bound fields, for error messages. */
function boundFields(connection: Connection): string {
  return connection.kind === 'aws' ? 'id, kind, account, region, role ARN' : 'id, kind, owner, repository, branch';
}

export function sealConnectionSecret(box: SecretBox, connection: Connection, secret: object): string {
  return box.seal(JSON.stringify(secret), connectionBinding(connection));
}

/** The secret, or a SealedValueError that names the connection and what its secret is bound to. */
export function openConnectionSecret<S>(box: SecretBox, connection: Connection, sealed: string): S {
  try {
    return JSON.parse(box.open(sealed, connectionBinding(connection), legacyBinding(connection))) as S;
  } catch (error) {
    if (!(error instanceof SealedValueError)) throw error;
    throw new SealedValueError(
      `The secret of connection ${connection.id} (${connection.kind}) ${error.message} ` + `(it is bound to: ${boundFields(connection)})`,
      error.reason,
    );
  }
}

/**
 * For rotation: the value re-sealed under the current key and binding, or undefined when it is
 * current already (it is opened all the same, so a tampered record is reported, not skipped).
 */
export function resealConnectionSecret(box: SecretBox, connection: Connection, sealed: string): string | undefined {
  const secret = openConnectionSecret<object>(box, connection, sealed);
  return box.isCurrent(sealed) ? undefined : sealConnectionSecret(box, connection, secret);
}
