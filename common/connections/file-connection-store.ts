// The embedded connection store: one JSON file in the data folder (connections.json), shared by
// every process that runs on that folder (the API, the worker, replicas of either). Each
// read-modify-write holds a cross-process lock (proper-lockfile: an atomic mkdir of
// connections.json.lock, refreshed while held and taken over once stale, so a crashed holder
// does not block the others for long). Writes go to a temporary file renamed into place, so a
// crash never leaves half a file and readers, who take no lock, always see a whole one.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { lock } from 'proper-lockfile';
import type {
  AwsConnection,
  AwsFields,
  AwsSecret,
  Connection,
  ConnectionStore,
  GitHubConnection,
  GitHubFields,
  GitHubSecret,
  ResealReport,
} from './connection-store.js';
import { openConnectionSecret, resealConnectionSecret, sealConnectionSecret } from './connection-binding.js';
import { pandaStyleId } from '../ids.js';
import type { SecretBox } from '../secrets/secret-box.js';

export const CONNECTIONS_FILE = 'connections.json';

interface StoredRecord {
  connection: Connection;
  sealed: string;
}

interface StoreFile {
  version: 1;
  records: StoredRecord[];
}

/** A lock not refreshed for this long belongs to a dead process and is taken over. */
const LOCK_STALE_MS = 10_000;
/** Waiting for the lock: short randomized backoff, for longer than a stale lock takes to expire. */
const LOCK_RETRIES = { retries: 10_000, factor: 1.3, minTimeout: 5, maxTimeout: 100, randomize: true, maxRetryTime: 3 * LOCK_STALE_MS };

export class FileConnectionStore implements ConnectionStore {
  readonly path: string;
  /** Writes of this process, one after another: the file lock then only arbitrates between processes. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly dataDir: string,
    private readonly box: SecretBox,
  ) {
    this.path = join(dataDir, CONNECTIONS_FILE);
  }

  async ready(): Promise<void> {}

  async close(): Promise<void> {
    await this.queue;
  }

  addGitHub(fields: GitHubFields, secret: GitHubSecret): Promise<GitHubConnection> {
    return this.add({ id: pandaStyleId('gh_'), kind: 'github', createdAt: new Date().toISOString(), ...fields }, secret);
  }

  addAws(fields: AwsFields, secret: AwsSecret): Promise<AwsConnection> {
    return this.add({ id: pandaStyleId('aws_'), kind: 'aws', createdAt: new Date().toISOString(), ...fields }, secret);
  }

  private add<C extends Connection>(connection: C, secret: object): Promise<C> {
    const record = { connection, sealed: sealConnectionSecret(this.box, connection, secret) };
    return this.update((file) => ({ write: { ...file, records: [...file.records, record] }, result: connection }));
  }

  async list(): Promise<Connection[]> {
    return (await this.read()).records.map((r) => r.connection);
  }

  async get(id: string): Promise<Connection | undefined> {
    return (await this.read()).records.find((r) => r.connection.id === id)?.connection;
  }

  remove(id: string): Promise<boolean> {
    return this.update((file) => {
      const kept = file.records.filter((r) => r.connection.id !== id);
      return kept.length === file.records.length ? { result: false } : { write: { ...file, records: kept }, result: true };
    });
  }

  githubSecret(id: string): Promise<{ connection: GitHubConnection; secret: GitHubSecret } | undefined> {
    return this.resolve<GitHubConnection, GitHubSecret>(id, 'github');
  }

  awsSecret(id: string): Promise<{ connection: AwsConnection; secret: AwsSecret } | undefined> {
    return this.resolve<AwsConnection, AwsSecret>(id, 'aws');
  }

  private async resolve<C extends Connection, S>(id: string, kind: C['kind']): Promise<{ connection: C; secret: S } | undefined> {
    const record = (await this.read()).records.find((r) => r.connection.id === id && r.connection.kind === kind);
    if (!record) return undefined;
    return { connection: record.connection as C, secret: openConnectionSecret<S>(this.box, record.connection, record.sealed) };
  }

  /** Re-seals, in one locked write, every record not yet under the current key and binding. */
  reseal(): Promise<ResealReport> {
    return this.update((file) => {
      const failed: ResealReport['failed'] = [];
      let resealed = 0;
      const records = file.records.map((record) => {
        try {
          const sealed = resealConnectionSecret(this.box, record.connection, record.sealed);
          if (sealed === undefined) return record;
          resealed += 1;
          return { ...record, sealed };
        } catch (error) {
          failed.push({ id: record.connection.id, error: (error as Error).message });
          return record;
        }
      });
      const result = { total: file.records.length, resealed, failed };
      return resealed > 0 ? { write: { ...file, records }, result } : { result };
    });
  }

  private async read(): Promise<StoreFile> {
    try {
      return JSON.parse(await readFile(this.path, 'utf8')) as StoreFile;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, records: [] };
      throw error;
    }
  }

  /** Read, change and (when the change says so) write the file, holding the lock throughout. */
  private update<T>(change: (file: StoreFile) => { write?: StoreFile; result: T }): Promise<T> {
    const run = this.queue.then(() => this.underLock(change));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async underLock<T>(change: (file: StoreFile) => { write?: StoreFile; result: T }): Promise<T> {
    await mkdir(this.dataDir, { recursive: true });
    let compromised: Error | undefined;
    const release = await lock(this.path, {
      realpath: false, // the file itself need not exist yet
      stale: LOCK_STALE_MS,
      retries: LOCK_RETRIES,
      // Only if this process stalled past the stale time and another took the lock over: refuse
      // to write (below) rather than let proper-lockfile throw from a timer.
      onCompromised: (error) => {
        compromised = error;
      },
    });
    try {
      const { write, result } = change(await this.read());
      if (write) {
        if (compromised) throw new Error(`Lost the lock on ${this.path} (${compromised.message}); nothing was written`);
        await this.write(write);
      }
      return result;
    } finally {
      await release().catch(() => undefined); // a compromised lock is no longer ours to release
    }
  }

  private async write(file: StoreFile): Promise<void> {
    const temporary = `${this.path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await writeFile(temporary, JSON.stringify(file, null, 2), { mode: 0o600 });
      await rename(temporary, this.path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }
}
