// The store for what must never enter workflow history: GitHub tokens and AWS keys. Public
// fields in clear, secrets sealed with AES-256-GCM (SecretBox, bound to the fields that give them
// their meaning: common/connections/connection-binding.ts).
// Two implementations behind one async interface, both safe for several API and worker replicas:
// - FileConnectionStore (common/connections/file-connection-store.ts), the embedded default: one JSON file in
//   the data folder, every read-modify-write under a cross-process lock;
// - PostgresConnectionStore (common/connections/postgres-connection-store.ts) when DATABASE_URL is set.
// The factory that picks one is common/connections/open-connection-store.ts; this module is the
// interface alone, so the implementations import it without an import loop.

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

export interface GitHubSecret {
  token: string;
}
export interface AwsKeysSecret {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}
/** A role connection's sealed part: the ExternalId (not a secret in AWS terms, kept out of responses all the same). */
export interface AwsRoleSecret {
  externalId?: string;
}
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

/** What `npm run keys:rotate` did to a store. */
export interface ResealReport {
  /** Connections in the store. */
  total: number;
  /** Re-sealed under the current key and binding now. */
  resealed: number;
  /** Those that did not open (the message says why); left as they were. */
  failed: { id: string; error: string }[];
}
