// Rotating the encryption key on both connection stores, end to end through `npm run
// keys:rotate` (launcher/keys-rotate.ts, run as its own process, as an operator runs it): values
// sealed under the old key, in the format of before (no key id, bound to the id alone) and the
// current one, open after rotation with the old key dropped from the ring; a re-run re-seals
// nothing; and a record whose bound public fields were edited in the file or the database row
// fails to open with an error naming the connection and what its secret is bound to.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONNECTIONS_FILE, openConnectionStore } from '../common/connections/open-connection-store.js';
import type { Connection, ConnectionStore } from '../common/connections/connection-store.js';
import { encryptionKeyId } from '../common/secrets/encryption-keys.js';
import { legacySeal } from './support/legacy-seal.js';
import { startPostgres, type Postgres } from './support/postgres.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OLD = randomBytes(32).toString('base64');
const NEW = randomBytes(32).toString('base64');
const id = (key: string) => encryptionKeyId(Buffer.from(key, 'base64'));

/** One store kind: how to open it, write a record of before into it, and edit it behind its back. */
interface Backend {
  open(keys: string[]): ConnectionStore;
  insertLegacy(connection: Connection, sealed: string): Promise<void>;
  sealedOf(connectionId: string): Promise<string>;
  editPublic(connectionId: string, fields: Record<string, string>): Promise<void>;
  env: Record<string, string>;
}

/** `npm run keys:rotate` with `keys` as SWITCHYARD_ENCRYPTION_KEYS. */
async function rotate(backend: Backend, keys: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', SWITCHYARD_ENCRYPTION_KEYS: keys.join(','), ...backend.env };
  try {
    const { stdout, stderr } = await promisify(execFile)('npm', ['run', '--silent', 'keys:rotate'], { cwd: ROOT, env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const opened: ConnectionStore[] = [];
function track(store: ConnectionStore): ConnectionStore {
  opened.push(store);
  return store;
}

afterAll(async () => {
  await Promise.all(opened.map((s) => s.close()));
});

/** The same story on either store. */
function rotationStory(backend: () => Backend): void {
  const legacyGitHub: Connection = {
    id: 'gh_legacy0001',
    kind: 'github',
    owner: 'acme',
    repo: 'shop',
    branch: 'main',
    createdAt: '2025-01-02T03:04:05.000Z',
  };
  const legacyRole: Connection = {
    id: 'aws_legacy0001',
    kind: 'aws',
    region: 'eu-west-1',
    accountId: '123456789012',
    roleArn: 'arn:aws:iam::123456789012:role/switchyard-deploy',
    createdAt: '2025-01-02T03:04:06.000Z',
  };
  let keys: Connection;
  const expected = new Map<string, object>([
    [legacyGitHub.id, { token: 'ghp_legacy' }],
    [legacyRole.id, { externalId: 'legacy-external-id' }],
  ]);

  /** One at a time: the PostgreSQL backend shares one client. */
  async function sealedValues(b: Backend): Promise<string[]> {
    const values: string[] = [];
    for (const c of [legacyGitHub, legacyRole, keys]) values.push(await b.sealedOf(c.id));
    return values;
  }

  async function secretOf(store: ConnectionStore, connection: Connection): Promise<unknown> {
    return connection.kind === 'github'
      ? (await store.githubSecret(connection.id))?.secret
      : (await store.awsSecret(connection.id))?.secret;
  }

  it('before rotation: the old key opens the format of before and the current one; a new key alone opens neither', async () => {
    const b = backend();
    const old = track(b.open([OLD]));
    await old.ready();
    for (const c of [legacyGitHub, legacyRole])
      await b.insertLegacy(c, legacySeal(Buffer.from(OLD, 'base64'), JSON.stringify(expected.get(c.id)), c.id));
    keys = await old.addAws(
      { region: 'us-east-1', accountId: '210987654321' },
      { accessKeyId: 'AKIAKEYS', secretAccessKey: 'keys-secret' },
    );
    expected.set(keys.id, { accessKeyId: 'AKIAKEYS', secretAccessKey: 'keys-secret' });
    expect(await b.sealedOf(keys.id)).toMatch(new RegExp(`^v2\\.${id(OLD)}\\.`));

    // The new key first, the old one still listed: everything opens.
    const both = track(b.open([NEW, OLD]));
    for (const c of [legacyGitHub, legacyRole, keys]) expect(await secretOf(both, c)).toEqual(expected.get(c.id));
    // The new key alone: nothing opens, and the errors say why.
    const newOnly = track(b.open([NEW]));
    await expect(newOnly.awsSecret(keys.id)).rejects.toThrow(
      `sealed under encryption key ${id(OLD)}, which is not in the key ring (${id(NEW)})`,
    );
    await expect(newOnly.githubSecret(legacyGitHub.id)).rejects.toThrow(
      /format of before \(no key id\) and opens under no key of the ring/,
    );
  });

  it('keys:rotate re-seals every connection under the new key, then nothing on a re-run', async () => {
    const b = backend();
    const first = await rotate(b, [NEW, OLD]);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toMatch(new RegExp(`re-sealed 3 of 3 connections under key ${id(NEW)} \\(0 already current\\)`));
    for (const c of [legacyGitHub, legacyRole, keys]) expect(await b.sealedOf(c.id)).toMatch(new RegExp(`^v2\\.${id(NEW)}\\.`));
    const before = await sealedValues(b);

    const again = await rotate(b, [NEW, OLD]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/re-sealed 0 of 3 connections .* \(3 already current\)/);
    expect(await sealedValues(b)).toEqual(before);
  });

  it('after rotation the old key can be dropped: everything opens under the new key alone, nothing under the old', async () => {
    const b = backend();
    const newOnly = track(b.open([NEW]));
    for (const c of [legacyGitHub, legacyRole, keys]) expect(await secretOf(newOnly, c)).toEqual(expected.get(c.id));
    const oldOnly = track(b.open([OLD]));
    await expect(oldOnly.githubSecret(legacyGitHub.id)).rejects.toThrow(
      `sealed under encryption key ${id(NEW)}, which is not in the key ring (${id(OLD)})`,
    );
  });

  it('a repointed roleArn, account or region fails to open with a clear error, and rotation reports it and leaves it', async () => {
    const b = backend();
    const store = track(b.open([NEW]));
    // A writer of the file or the database repoints the role connection at their own role.
    await b.editPublic(legacyRole.id, { roleArn: 'arn:aws:iam::999999999999:role/attacker' });
    await expect(store.awsSecret(legacyRole.id)).rejects.toThrow(
      `The secret of connection ${legacyRole.id} (aws) does not open under encryption key ${id(NEW)}: the fields it is bound to were ` +
        'changed since it was sealed, or the sealed value was altered (it is bound to: id, kind, account, region, role ARN)',
    );
    const sealed = await b.sealedOf(legacyRole.id);
    const report = await rotate(b, [NEW]);
    expect(report.code).toBe(1);
    expect(report.stdout).toMatch(/re-sealed 0 of 3 connections .* \(2 already current, 1 failed\)/);
    expect(report.stderr).toContain(`${legacyRole.id}: The secret of connection ${legacyRole.id} (aws) does not open`);
    expect(await b.sealedOf(legacyRole.id)).toBe(sealed); // not re-sealed under the attacker's ARN
    // Put back, it opens again: it was the edit, nothing else.
    await b.editPublic(legacyRole.id, { roleArn: legacyRole.roleArn! });
    expect(await secretOf(store, legacyRole)).toEqual(expected.get(legacyRole.id));

    for (const fields of [{ accountId: '999999999999' }, { region: 'us-west-2' }] as Record<string, string>[]) {
      await b.editPublic(keys.id, fields);
      await expect(store.awsSecret(keys.id)).rejects.toThrow(/bound to: id, kind, account, region, role ARN/);
    }
    await b.editPublic(legacyGitHub.id, { repo: 'elsewhere' });
    await expect(store.githubSecret(legacyGitHub.id)).rejects.toThrow(/bound to: id, kind, owner, repository, branch/);
  });
}

describe('key rotation: file store', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-rotation-'));
  const path = join(dataDir, CONNECTIONS_FILE);
  type StoreFile = { version: 1; records: { connection: Connection; sealed: string }[] };
  const read = (): StoreFile => {
    try {
      return JSON.parse(readFileSync(path, 'utf8')) as StoreFile;
    } catch {
      return { version: 1, records: [] };
    }
  };
  const write = (file: StoreFile) => writeFileSync(path, JSON.stringify(file, null, 2));
  const backend: Backend = {
    open: (keys) => openConnectionStore({ dataDir, encryptionKeys: keys }),
    async insertLegacy(connection, sealed) {
      const file = read();
      write({ ...file, records: [...file.records, { connection, sealed }] });
    },
    sealedOf: async (connectionId) => read().records.find((r) => r.connection.id === connectionId)!.sealed,
    async editPublic(connectionId, fields) {
      const file = read();
      write({
        ...file,
        records: file.records.map((r) =>
          r.connection.id === connectionId ? { ...r, connection: { ...r.connection, ...fields } as Connection } : r,
        ),
      });
    },
    env: { SWITCHYARD_DATA_DIR: dataDir },
  };
  rotationStory(() => backend);
});

describe('key rotation: PostgreSQL store', () => {
  let postgres: Postgres;
  let client: pg.Client;
  let backend: Backend;

  beforeAll(async () => {
    postgres = await startPostgres();
    await postgres.createDatabase('switchyard_rotation');
    const url = postgres.url('switchyard_rotation');
    client = new pg.Client({ connectionString: url });
    await client.connect();
    backend = {
      open: (keys) =>
        openConnectionStore({ dataDir: mkdtempSync(join(tmpdir(), 'switchyard-rotation-pg-')), databaseUrl: url, encryptionKeys: keys }),
      async insertLegacy(connection, sealed) {
        const { id: connectionId, kind, createdAt, ...fields } = connection;
        await client.query('INSERT INTO switchyard_connections (id, kind, public, sealed, created_at) VALUES ($1, $2, $3, $4, $5)', [
          connectionId,
          kind,
          JSON.stringify(fields),
          sealed,
          createdAt,
        ]);
      },
      async sealedOf(connectionId) {
        return (await client.query<{ sealed: string }>('SELECT sealed FROM switchyard_connections WHERE id = $1', [connectionId])).rows[0]!
          .sealed;
      },
      async editPublic(connectionId, fields) {
        await client.query('UPDATE switchyard_connections SET public = public || $1::jsonb WHERE id = $2', [
          JSON.stringify(fields),
          connectionId,
        ]);
      },
      env: { DATABASE_URL: url, SWITCHYARD_DATA_DIR: mkdtempSync(join(tmpdir(), 'switchyard-rotation-pg-')) },
    };
  });

  afterAll(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close()));
    await client?.end();
    await postgres?.stop();
  });

  rotationStory(() => backend);
});
