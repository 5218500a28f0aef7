// The connection store in PostgreSQL (DATABASE_URL), for several API and worker replicas on
// several machines. Switchyard owns its tables in an existing database: on first use it applies
// its migrations in order, recorded in switchyard_schema_migrations, in one transaction under a
// PostgreSQL advisory lock, so replicas starting at once migrate once. Secrets are sealed here,
// before they leave the process (SecretBox, bound to the connection's id, kind and public fields:
// common/connections/connection-binding.ts): the database only ever holds ciphertext, and every replica needs
// the same key ring (SWITCHYARD_ENCRYPTION_KEYS or SWITCHYARD_ENCRYPTION_KEY).
import pg from 'pg';
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

export const MIGRATIONS_TABLE = 'switchyard_schema_migrations';
export const CONNECTIONS_TABLE = 'switchyard_connections';

/** Applied in order, each once; append new ones, never edit an applied one. */
export const MIGRATIONS: readonly { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'connections',
    sql: `CREATE TABLE ${CONNECTIONS_TABLE} (
      id text PRIMARY KEY,
      seq bigint GENERATED ALWAYS AS IDENTITY, -- insertion order, for list()
      kind text NOT NULL CHECK (kind IN ('github', 'aws')),
      public jsonb NOT NULL,
      sealed text NOT NULL,
      created_at timestamptz NOT NULL
    )`,
  },
];

/** The advisory lock key of Switchyard's migrations (any constant other applications don't use). */
const MIGRATION_LOCK_KEY = 0x5377_6974_6368; // "Switch"

interface Row {
  id: string;
  kind: Connection['kind'];
  public: Record<string, unknown>;
  created_at: Date;
  sealed?: string;
}

export interface PostgresConnectionStoreOptions {
  /** Connections per replica (pg's default is 10). */
  maxConnections?: number;
  /** An idle pooled connection failed (the server restarted, say); the next query reconnects. */
  onPoolError?: (error: Error) => void;
}

export class PostgresConnectionStore implements ConnectionStore {
  private readonly pool: pg.Pool;
  private migrated: Promise<void> | undefined;
  private closed = false;

  constructor(
    databaseUrl: string,
    private readonly box: SecretBox,
    options: PostgresConnectionStoreOptions = {},
  ) {
    this.pool = new pg.Pool({ connectionString: databaseUrl, max: options.maxConnections ?? 10 });
    // Without a listener, an idle client's error would crash the process.
    this.pool.on('error', options.onPoolError ?? (() => undefined));
  }

  /** Migrates on first call; a failed attempt is retried by the next call. */
  ready(): Promise<void> {
    this.migrated ??= this.migrate().catch((error: unknown) => {
      this.migrated = undefined;
      throw error;
    });
    return this.migrated;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.migrated?.catch(() => undefined);
    await this.pool.end();
  }

  private async migrate(): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      // Held until COMMIT/ROLLBACK: a second replica waits here, then finds everything applied.
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
      await client.query(`CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (
        version integer PRIMARY KEY,
        name text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
      const { rows } = await client.query<{ version: number }>(`SELECT version FROM ${MIGRATIONS_TABLE}`);
      const applied = new Set(rows.map((r) => r.version));
      for (const migration of MIGRATIONS) {
        if (applied.has(migration.version)) continue;
        await client.query(migration.sql);
        await client.query(`INSERT INTO ${MIGRATIONS_TABLE} (version, name) VALUES ($1, $2)`, [migration.version, migration.name]);
      }
      await client.query('COMMIT');
      client.release();
    } catch (error) {
      // A client whose ROLLBACK failed is not returned to the pool.
      await client.query('ROLLBACK').then(
        () => client.release(),
        (rollbackError: Error) => client.release(rollbackError),
      );
      throw error;
    }
  }

  private async query<R extends pg.QueryResultRow>(text: string, values: unknown[]): Promise<pg.QueryResult<R>> {
    await this.ready();
    return this.pool.query<R>(text, values);
  }

  addGitHub(fields: GitHubFields, secret: GitHubSecret): Promise<GitHubConnection> {
    return this.add({ id: pandaStyleId('gh_'), kind: 'github', createdAt: new Date().toISOString(), ...fields }, secret);
  }

  addAws(fields: AwsFields, secret: AwsSecret): Promise<AwsConnection> {
    return this.add({ id: pandaStyleId('aws_'), kind: 'aws', createdAt: new Date().toISOString(), ...fields }, secret);
  }

  private async add<C extends Connection>(connection: C, secret: object): Promise<C> {
    const { id, kind, createdAt, ...fields } = connection;
    await this.query(`INSERT INTO ${CONNECTIONS_TABLE} (id, kind, public, sealed, created_at) VALUES ($1, $2, $3, $4, $5)`, [
      id,
      kind,
      JSON.stringify(fields),
      sealConnectionSecret(this.box, connection, secret),
      createdAt,
    ]);
    return connection;
  }

  async list(): Promise<Connection[]> {
    const { rows } = await this.query<Row>(`SELECT id, kind, public, created_at FROM ${CONNECTIONS_TABLE} ORDER BY seq`, []);
    return rows.map(toConnection);
  }

  async get(id: string): Promise<Connection | undefined> {
    const { rows } = await this.query<Row>(`SELECT id, kind, public, created_at FROM ${CONNECTIONS_TABLE} WHERE id = $1`, [id]);
    return rows[0] && toConnection(rows[0]);
  }

  async remove(id: string): Promise<boolean> {
    const { rowCount } = await this.query(`DELETE FROM ${CONNECTIONS_TABLE} WHERE id = $1`, [id]);
    return (rowCount ?? 0) > 0;
  }

  githubSecret(id: string): Promise<{ connection: GitHubConnection; secret: GitHubSecret } | undefined> {
    return this.resolve<GitHubConnection, GitHubSecret>(id, 'github');
  }

  awsSecret(id: string): Promise<{ connection: AwsConnection; secret: AwsSecret } | undefined> {
    return this.resolve<AwsConnection, AwsSecret>(id, 'aws');
  }

  private async resolve<C extends Connection, S>(id: string, kind: C['kind']): Promise<{ connection: C; secret: S } | undefined> {
    const { rows } = await this.query<Row>(
      `SELECT id, kind, public, created_at, sealed FROM ${CONNECTIONS_TABLE} WHERE id = $1 AND kind = $2`,
      [id, kind],
    );
    const row = rows[0];
    if (!row?.sealed) return undefined;
    const connection = toConnection(row);
    return { connection: connection as C, secret: openConnectionSecret<S>(this.box, connection, row.sealed) };
  }

  /**
   * Re-seals every row not yet under the current key and binding, one row at a time (a short
   * transaction each, the row locked), so replicas keep working and a re-run picks up where an
   * interrupted one stopped.
   */
  async reseal(): Promise<ResealReport> {
    const { rows: ids } = await this.query<{ id: string }>(`SELECT id FROM ${CONNECTIONS_TABLE} ORDER BY seq`, []);
    const report: ResealReport = { total: 0, resealed: 0, failed: [] };
    for (const { id } of ids) {
      const client = await this.pool.connect();
      try {
        await client.query('BEGIN');
        const { rows } = await client.query<Row>(
          `SELECT id, kind, public, created_at, sealed FROM ${CONNECTIONS_TABLE} WHERE id = $1 FOR UPDATE`,
          [id],
        );
        const row = rows[0];
        if (row?.sealed) {
          report.total += 1;
          const sealed = resealOrReport(this.box, toConnection(row), row.sealed, report);
          if (sealed !== undefined) await client.query(`UPDATE ${CONNECTIONS_TABLE} SET sealed = $1 WHERE id = $2`, [sealed, id]);
        }
        await client.query('COMMIT');
        client.release();
      } catch (error) {
        await client.query('ROLLBACK').then(
          () => client.release(),
          (rollbackError: Error) => client.release(rollbackError),
        );
        throw error;
      }
    }
    return report;
  }
}

/** The re-sealed value (counted), undefined when current, or undefined with the failure recorded. */
function resealOrReport(box: SecretBox, connection: Connection, sealed: string, report: ResealReport): string | undefined {
  try {
    const resealed = resealConnectionSecret(box, connection, sealed);
    if (resealed !== undefined) report.resealed += 1;
    return resealed;
  } catch (error) {
    report.failed.push({ id: connection.id, error: (error as Error).message });
    return undefined;
  }
}

function toConnection(row: Row): Connection {
  return { id: row.id, kind: row.kind, createdAt: row.created_at.toISOString(), ...row.public } as Connection;
}
