// The small embedded store for what must never enter workflow history: GitHub tokens and AWS
// keys. One JSON file in the data folder, public fields in clear, secrets sealed with AES-256-GCM.
// Writes go to a temporary file and are renamed into place, so a crash never leaves half a file;
// reads go to the file each time, so the API and the worker (separate processes) agree.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { seedStyleId } from './ids.js';
import { loadOrCreateEncryptionKey, SecretBox } from './secret-box.js';

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
  createdAt: string;
}

export type Connection = GitHubConnection | AwsConnection;

export interface GitHubSecret { token: string }
export interface AwsSecret { accessKeyId: string; secretAccessKey: string; sessionToken?: string }

interface StoredRecord {
  connection: Connection;
  sealed: string;
}

interface StoreFile {
  version: 1;
  records: StoredRecord[];
}

export const CONNECTIONS_FILE = 'connections.json';

export class ConnectionStore {
  private readonly path: string;

  constructor(dataDir: string, private readonly box: SecretBox) {
    this.path = join(dataDir, CONNECTIONS_FILE);
  }

  private read(): StoreFile {
    if (!existsSync(this.path)) return { version: 1, records: [] };
    return JSON.parse(readFileSync(this.path, 'utf8')) as StoreFile;
  }

  private write(file: StoreFile): void {
    mkdirSync(dirname(this.path), { recursive: true });
    const temporary = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(file, null, 2), { mode: 0o600 });
    renameSync(temporary, this.path);
  }

  addGitHub(fields: Omit<GitHubConnection, 'id' | 'kind' | 'createdAt'>, secret: GitHubSecret): GitHubConnection {
    return this.add({ id: seedStyleId('gh_'), kind: 'github', createdAt: new Date().toISOString(), ...fields }, secret);
  }

  addAws(fields: Omit<AwsConnection, 'id' | 'kind' | 'createdAt'>, secret: AwsSecret): AwsConnection {
    return this.add({ id: seedStyleId('aws_'), kind: 'aws', createdAt: new Date().toISOString(), ...fields }, secret);
  }

  private add<C extends Connection>(connection: C, secret: object): C {
    const file = this.read();
    file.records.push({ connection, sealed: this.box.seal(JSON.stringify(secret), connection.id) });
    this.write(file);
    return connection;
  }

  list(): Connection[] {
    return this.read().records.map((r) => r.connection);
  }

  get(id: string): Connection | undefined {
    return this.read().records.find((r) => r.connection.id === id)?.connection;
  }

  remove(id: string): boolean {
    const file = this.read();
    const kept = file.records.filter((r) => r.connection.id !== id);
    if (kept.length === file.records.length) return false;
    this.write({ ...file, records: kept });
    return true;
  }

  /** The connection with its decrypted secret: for activities only, never for responses or logs. */
  githubSecret(id: string): { connection: GitHubConnection; secret: GitHubSecret } | undefined {
    return this.resolve<GitHubConnection, GitHubSecret>(id, 'github');
  }

  awsSecret(id: string): { connection: AwsConnection; secret: AwsSecret } | undefined {
    return this.resolve<AwsConnection, AwsSecret>(id, 'aws');
  }

  private resolve<C extends Connection, S>(id: string, kind: C['kind']): { connection: C; secret: S } | undefined {
    const record = this.read().records.find((r) => r.connection.id === id && r.connection.kind === kind);
    if (!record) return undefined;
    return { connection: record.connection as C, secret: JSON.parse(this.box.open(record.sealed, id)) as S };
  }
}

/** The store at the configured data folder, with the configured or generated encryption key. */
export function openConnectionStore(dataDir: string, encryptionKey: string | undefined): ConnectionStore {
  return new ConnectionStore(dataDir, new SecretBox(loadOrCreateEncryptionKey(dataDir, encryptionKey)));
}
