// The store for what must never enter workflow history: GitHub tokens and AWS keys. Public
// fields in clear, secrets sealed with AES-256-GCM (SecretBox, bound to the fields that give them
// their meaning: common/connection-binding.ts).
// Two implementations behind one async interface, both safe for several API and worker replicas:
// - FileConnectionStore (common/file-connection-store.ts), the embedded default: one JSON file in
//   the data folder, every read-modify-write under a cross-process lock;
// - PostgresConnectionStore (common/postgres-connection-store.ts) when DATABASE_URL is set.
import type { Config } from './config.js';
import { FileConnectionStore } from './file-connection-store.js';
import { PostgresConnectionStore } from './postgres-connection-store.js';
import { loadEncryptionKeys, SecretBox } from './secret-box.js';
import type { ResealReport } from './connection-binding.js';

export type { ResealReport } from './connection-binding.js';

export interface GitHubConnection {
  id: string;
  kind: 'github';
  owner: string;
  repo: string;
  branch: string;
  createdAt: string;
}

export interface AwsConnection {
  id: string;
  kind: 'aws';
  region: string;
  accountId: string;
  /** A role connection: the role assumed (from the worker's base credentials) for every call. Absent for static keys. */
  roleArn?: string;
  createdAt: string;
}

export type Connection = GitHubConnection | AwsConnection;

export interface GitHubSecret { token: string }
export interface AwsKeysSecret { accessKeyId: string; secretAccessKey: string; sessionToken?: string }
/** A role connection's sealed part: the ExternalId (not a secret in AWS terms, kept out of responses all the same). */
export interface AwsRoleSecret { externalId?: string }
export type AwsSecret = AwsKeysSecret | AwsRoleSecret;

export type GitHubFields = Omit<GitHubConnection, 'id' | 'kind' | 'createdAt'>;
export type AwsFields = Omit<AwsConnection, 'id' | 'kind' | 'createdAt'>;

export interface ConnectionStore {
  addGitHub(fields: GitHubFields, secret: GitHubSecret): Promise<GitHubConnection>;
  addAws(fields: AwsFields, secret: AwsSecret): Promise<AwsConnection>;
  list(): Promise<Connection[]>;
  get(id: string): Promise<Connection | undefined>;
  /** False when there was no such connection. */
  remove(id: string): Promise<boolean>;
  /** The connection with its decrypted secret: for activities only, never for responses or logs. */
  githubSecret(id: string): Promise<{ connection: GitHubConnection; secret: GitHubSecret } | undefined>;
  awsSecret(id: string): Promise<{ connection: AwsConnection; secret: AwsSecret } | undefined>;
  /**
   * Re-seals every stored secret not yet under the current key and binding (`npm run
   * keys:rotate`); idempotent. A secret that does not open is reported and left as it was.
   */
  reseal(): Promise<ResealReport>;
  /**
   * Resolves once the store can be used (PostgreSQL: reachable, tables migrated). Every operation
   * waits for it anyway; start-up awaits it so a wrong DATABASE_URL stops start-up, not a request.
   */
  ready(): Promise<void>;
  /** Waits for writes in flight, then releases what the store holds (the PostgreSQL pool). */
  close(): Promise<void>;
}

export { CONNECTIONS_FILE, FileConnectionStore } from './file-connection-store.js';
export { PostgresConnectionStore } from './postgres-connection-store.js';

export type ConnectionStoreOptions = Pick<Config, 'dataDir'> & Partial<Pick<Config, 'encryptionKeys' | 'databaseUrl'>>;

/**
 * PostgreSQL when DATABASE_URL is set (it needs SWITCHYARD_ENCRYPTION_KEY(S): every replica must
 * share the keys), otherwise the JSON file in the data folder with the configured or generated key.
 */
export function openConnectionStore(options: ConnectionStoreOptions): ConnectionStore {
  if (options.databaseUrl) {
    if (!options.encryptionKeys?.length) throw new Error('DATABASE_URL needs SWITCHYARD_ENCRYPTION_KEY(S), the keys every replica shares');
    return new PostgresConnectionStore(options.databaseUrl, new SecretBox(loadEncryptionKeys(options.dataDir, options.encryptionKeys)));
  }
  return new FileConnectionStore(options.dataDir, new SecretBox(loadEncryptionKeys(options.dataDir, options.encryptionKeys)));
}
