// The connection store on its own, for N replicas: the JSON file with several real processes
// writing at once, and PostgreSQL on a real throwaway server (test/support/postgres.ts).
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CONNECTIONS_FILE,
  FileConnectionStore,
  openConnectionStore,
  PostgresConnectionStore,
} from '../common/connections/open-connection-store.js';
import type { Connection, ConnectionStore } from '../common/connections/connection-store.js';
import { freePort } from './support/free-port.js';
import { startPostgres, type Postgres } from './support/postgres.js';
import { ENCRYPTION_KEY_FILE, loadOrCreateEncryptionKey, SecretBox } from '../common/secrets/secret-box.js';
import { openConnectionSecret } from '../common/connections/connection-binding.js';
import { legacySeal } from './support/legacy-seal.js';

const WRITER = fileURLToPath(new URL('./support/connection-store-writer.ts', import.meta.url));

function newDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'switchyard-store-test-'));
}

/** Runs the writer script in `processes` separate Node processes at once, `each` connections apiece. */
async function writeFromProcesses(dataDir: string, processes: number, each: number): Promise<Map<string, string[]>> {
  const children = Array.from({ length: processes }, (_, n) => {
    const label = `w${n}`;
    const child = fork(WRITER, [dataDir, String(each), label], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const ready = new Promise<void>((resolve) => child.once('message', () => resolve()));
    const result = new Promise<string[]>((resolve, reject) => {
      let ids: string[] | undefined;
      child.on('message', (message: unknown) => {
        if (typeof message === 'object' && message) ids = (message as { ids: string[] }).ids;
      });
      child.once('error', reject);
      child.once('exit', (code) => (code === 0 && ids ? resolve(ids) : reject(new Error(`writer ${label} exited with ${code}`))));
    });
    return { label, child, ready, result };
  });
  await Promise.all(children.map((c) => c.ready));
  for (const { child } of children) child.send('go');
  return new Map(await Promise.all(children.map(async (c) => [c.label, await c.result] as const)));
}

/** What the writer script stored as the secret of `connection` (see connection-store-writer.ts). */
function expectedSecret(connection: Connection): object {
  if (connection.kind === 'github') return { token: `ghp_${connection.owner}_${connection.repo.replace('repo-', '')}` };
  const [label, index] = connection.accountId.split('-');
  return { accessKeyId: `AKIA${label}${index}`, secretAccessKey: `secret-${label}-${index}` };
}

async function secretOf(store: ConnectionStore, connection: Connection): Promise<object | undefined> {
  return connection.kind === 'github' ? (await store.githubSecret(connection.id))?.secret : (await store.awsSecret(connection.id))?.secret;
}

/** The operations both stores must do alike. */
async function roundTrip(store: ConnectionStore): Promise<void> {
  const github = await store.addGitHub({ owner: 'acme', repo: 'shop', branch: 'main' }, { token: 'ghp_roundtrip_secret' });
  const aws = await store.addAws(
    { region: 'ap-northeast-2', accountId: '123456789012' },
    { accessKeyId: 'AKIAROUNDTRIP', secretAccessKey: 'roundtrip-secret', sessionToken: 'roundtrip-session' },
  );
  expect(github).toMatchObject({
    kind: 'github',
    owner: 'acme',
    repo: 'shop',
    branch: 'main',
    id: expect.stringMatching(/^gh_[a-z0-9]{10}$/),
  });
  expect(aws).toMatchObject({
    kind: 'aws',
    region: 'ap-northeast-2',
    accountId: '123456789012',
    id: expect.stringMatching(/^aws_[a-z0-9]{10}$/),
  });
  expect(await store.list()).toEqual([github, aws]);
  expect(await store.get(github.id)).toEqual(github);
  expect(await store.get('gh_nosuchthing')).toBeUndefined();
  expect(await store.githubSecret(github.id)).toEqual({ connection: github, secret: { token: 'ghp_roundtrip_secret' } });
  expect(await store.awsSecret(aws.id)).toEqual({
    connection: aws,
    secret: { accessKeyId: 'AKIAROUNDTRIP', secretAccessKey: 'roundtrip-secret', sessionToken: 'roundtrip-session' },
  });
  // The kind must match: a GitHub id is no AWS connection.
  expect(await store.awsSecret(github.id)).toBeUndefined();
  expect(await store.githubSecret(aws.id)).toBeUndefined();
  expect(await store.remove(github.id)).toBe(true);
  expect(await store.remove(github.id)).toBe(false);
  expect(await store.get(github.id)).toBeUndefined();
  expect(await store.githubSecret(github.id)).toBeUndefined();
  expect(await store.list()).toEqual([aws]);

  // A role connection: the role ARN in clear with the public fields, the ExternalId sealed.
  const role = await store.addAws(
    { region: 'ap-northeast-2', accountId: '123456789012', roleArn: 'arn:aws:iam::123456789012:role/switchyard-deploy' },
    { externalId: 'roundtrip-external-id' },
  );
  expect(role).toMatchObject({ kind: 'aws', roleArn: 'arn:aws:iam::123456789012:role/switchyard-deploy' });
  expect(await store.get(role.id)).toEqual(role);
  expect(await store.awsSecret(role.id)).toEqual({ connection: role, secret: { externalId: 'roundtrip-external-id' } });
  expect(JSON.stringify(await store.list())).not.toContain('roundtrip-external-id');
  expect(await store.remove(role.id)).toBe(true);
}

describe('FileConnectionStore', () => {
  it('does every operation', async () => {
    const dataDir = newDataDir();
    const store = openConnectionStore({ dataDir });
    expect(store).toBeInstanceOf(FileConnectionStore);
    await store.ready();
    expect(await store.list()).toEqual([]);
    await roundTrip(store);
    await store.close();
  });

  it('loses no write when several processes add at once', async () => {
    const dataDir = newDataDir();
    const written = await writeFromProcesses(dataDir, 2, 25);
    const ids = [...written.values()].flat();
    expect(ids).toHaveLength(50);

    const store = openConnectionStore({ dataDir });
    const all = await store.list();
    expect(all.map((c) => c.id).sort()).toEqual([...ids].sort());
    // One key for everyone (the writers raced to generate it), and every secret opens with it.
    for (const connection of all) expect(await secretOf(store, connection)).toEqual(expectedSecret(connection));
    // Nothing left behind: no temporary files, no lock.
    expect(readdirSync(dataDir).sort()).toEqual([CONNECTIONS_FILE, ENCRYPTION_KEY_FILE]);
  });

  it('reads and writes the file format of before (version 1, records of connection and sealed secret)', async () => {
    const dataDir = newDataDir();
    const key = loadOrCreateEncryptionKey(dataDir, undefined);
    const box = new SecretBox(key);
    const old: Connection = {
      id: 'gh_0ld0ld0ld0',
      kind: 'github',
      owner: 'acme',
      repo: 'legacy',
      branch: 'main',
      createdAt: '2025-01-02T03:04:05.000Z',
    };
    // Sealed as before key ids: bound to the id alone, no key id.
    writeFileSync(
      join(dataDir, CONNECTIONS_FILE),
      JSON.stringify(
        { version: 1, records: [{ connection: old, sealed: legacySeal(key, JSON.stringify({ token: 'ghp_old' }), old.id) }] },
        null,
        2,
      ),
    );
    const store = openConnectionStore({ dataDir });
    expect(await store.githubSecret(old.id)).toEqual({ connection: old, secret: { token: 'ghp_old' } });
    const aws = await store.addAws({ region: 'us-east-1', accountId: '1' }, { accessKeyId: 'a', secretAccessKey: 'b' });
    const file = JSON.parse(readFileSync(join(dataDir, CONNECTIONS_FILE), 'utf8')) as {
      version: number;
      records: { connection: Connection; sealed: string }[];
    };
    expect(file.version).toBe(1);
    expect(file.records.map((r) => r.connection)).toEqual([old, aws]);
    expect(file.records[1]!.sealed).toMatch(new RegExp(`^v2\\.${box.currentKeyId}\\.`));
    expect(openConnectionSecret(box, aws, file.records[1]!.sealed)).toEqual({ accessKeyId: 'a', secretAccessKey: 'b' });
    expect(JSON.stringify(file)).not.toContain('ghp_old');
  });

  it('takes over the lock of a process that died holding it', async () => {
    const dataDir = newDataDir();
    const lock = join(dataDir, `${CONNECTIONS_FILE}.lock`);
    mkdirSync(lock);
    const longAgo = new Date(Date.now() - 60_000);
    utimesSync(lock, longAgo, longAgo);
    const store = openConnectionStore({ dataDir });
    const added = await store.addGitHub({ owner: 'acme', repo: 'after-crash', branch: 'main' }, { token: 't' });
    expect(await store.get(added.id)).toEqual(added);
    expect(existsSync(lock)).toBe(false);
  });
});

describe('PostgresConnectionStore', () => {
  const key = randomBytes(32).toString('base64');
  let postgres: Postgres;
  let databases = 0;
  const opened: ConnectionStore[] = [];
  const raw: pg.Client[] = [];

  /** A new empty database on the throwaway server. */
  async function emptyDatabase(): Promise<string> {
    const name = `switchyard_test_${++databases}`;
    await postgres.createDatabase(name);
    return postgres.url(name);
  }

  function open(url: string): ConnectionStore {
    const store = openConnectionStore({ dataDir: newDataDir(), databaseUrl: url, encryptionKeys: [key] });
    opened.push(store);
    return store;
  }

  async function sql(url: string): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    raw.push(client);
    return client;
  }

  beforeAll(async () => {
    postgres = await startPostgres();
  });

  afterAll(async () => {
    await Promise.all(raw.map((c) => c.end()));
    await Promise.all(opened.map((s) => s.close()));
    await postgres?.stop();
  });

  it('migrates an empty database once, also when two replicas start at the same moment', async () => {
    const url = await emptyDatabase();
    const [a, b] = [open(url), open(url)];
    expect(a).toBeInstanceOf(PostgresConnectionStore);
    await Promise.all([a.ready(), b.ready(), a.ready()]);
    await open(url).ready(); // a later replica finds everything applied
    const db = await sql(url);
    const { rows } = await db.query<{ version: number }>('SELECT version FROM switchyard_schema_migrations ORDER BY version');
    expect(rows.map((r) => r.version)).toEqual([1]);
    const tables = await db.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
    );
    expect(tables.rows.map((r) => r.table_name)).toEqual(['switchyard_connections', 'switchyard_schema_migrations']);
  });

  it('does every operation', async () => {
    const store = open(await emptyDatabase());
    expect(await store.list()).toEqual([]); // migrates on first use, without ready()
    await roundTrip(store);
  });

  it('stores secrets sealed and bound to the connection id, never in clear', async () => {
    const url = await emptyDatabase();
    const store = open(url);
    const github = await store.addGitHub({ owner: 'acme', repo: 'shop', branch: 'main' }, { token: 'ghp_must_not_be_in_the_database' });
    const aws = await store.addAws(
      { region: 'eu-west-1', accountId: '210987654321' },
      { accessKeyId: 'AKIAMUSTNOTLEAK', secretAccessKey: 'aws-secret-must-not-leak' },
    );
    const db = await sql(url);
    const { rows } = await db.query<{ id: string; kind: string; public: object; sealed: string; created_at: Date }>(
      'SELECT * FROM switchyard_connections ORDER BY seq',
    );
    const dumped = JSON.stringify(rows);
    for (const secret of ['ghp_must_not_be_in_the_database', 'AKIAMUSTNOTLEAK', 'aws-secret-must-not-leak'])
      expect(dumped).not.toContain(secret);
    const row = rows.find((r) => r.id === github.id)!;
    expect(row).toMatchObject({ kind: 'github', public: { owner: 'acme', repo: 'shop', branch: 'main' } });
    expect(row.created_at.toISOString()).toBe(github.createdAt);
    const box = new SecretBox(Buffer.from(key, 'base64'));
    expect(openConnectionSecret(box, github, row.sealed)).toEqual({ token: 'ghp_must_not_be_in_the_database' });
    // A ciphertext copied onto another record does not open.
    await db.query('UPDATE switchyard_connections SET sealed = $1 WHERE id = $2', [row.sealed, aws.id]);
    await expect(store.awsSecret(aws.id)).rejects.toThrow(new RegExp(`The secret of connection ${aws.id} \\(aws\\) does not open`));
  });

  it("two replicas (two pools) see each other's writes at once, and lose none when writing together", async () => {
    const url = await emptyDatabase();
    const [a, b] = [open(url), open(url)];
    const fromA = await a.addGitHub({ owner: 'acme', repo: 'from-a', branch: 'main' }, { token: 'ghp_from_a' });
    expect(await b.get(fromA.id)).toEqual(fromA);
    expect(await b.githubSecret(fromA.id)).toEqual({ connection: fromA, secret: { token: 'ghp_from_a' } });
    const fromB = await b.addAws({ region: 'us-west-2', accountId: '42' }, { accessKeyId: 'AKIAB', secretAccessKey: 'from-b' });
    expect(await a.list()).toEqual([fromA, fromB]);
    expect(await b.remove(fromA.id)).toBe(true);
    expect(await a.get(fromA.id)).toBeUndefined();
    expect(await a.remove(fromA.id)).toBe(false);

    const added = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        (i % 2 === 0 ? a : b).addGitHub({ owner: `w${i % 2}`, repo: `repo-${i}`, branch: 'main' }, { token: `ghp_w${i % 2}_${i}` }),
      ),
    );
    const all = await b.list();
    expect(all).toHaveLength(51);
    expect(all.map((c) => c.id)).toEqual(expect.arrayContaining(added.map((c) => c.id)));
    for (const connection of added) expect(await secretOf(a, connection)).toEqual(expectedSecret(connection));
  });

  it('needs the shared encryption key, and fails ready() when the database cannot be reached', async () => {
    expect(() => openConnectionStore({ dataDir: newDataDir(), databaseUrl: postgres.url('postgres') })).toThrow(
      /SWITCHYARD_ENCRYPTION_KEY/,
    );
    const nowhere = open(`postgres://switchyard:x@127.0.0.1:${await freePort()}/switchyard`);
    await expect(nowhere.ready()).rejects.toThrow(/ECONNREFUSED|connect/);
  });
});
