// Finding PostgreSQL's binaries (PATH, PG_BIN_DIR, Debian's versioned folders) and the
// unprivileged OS user to run them as when the tests run as root (initdb refuses root).
import { accessSync, constants, existsSync, readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { delimiter, join } from 'node:path';

const HOW_TO_INSTALL =
  'Install PostgreSQL (Debian/Ubuntu: `apt-get install -y postgresql`), or set PG_BIN_DIR to the folder holding initdb, postgres and psql.';

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function debianBinDirs(): string[] {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((v) => /^\d+$/.test(v))
    .sort((a, b) => Number(b) - Number(a))
    .map((v) => join(root, v, 'bin'));
}

/** The full path of a PostgreSQL program, or undefined. `preferDir` is searched first. */
export function findPostgresBinary(name: string, preferDir?: string): string | undefined {
  const dirs = [preferDir, process.env.PG_BIN_DIR, ...(process.env.PATH ?? '').split(delimiter), ...debianBinDirs()].filter(
    (d): d is string => !!d,
  );
  for (const dir of dirs) {
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

export function requireBinary(name: string, preferDir?: string): string {
  const found = findPostgresBinary(name, preferDir);
  if (!found) throw new Error(`PostgreSQL program \`${name}\` not found. ${HOW_TO_INSTALL}`);
  return found;
}

export interface RunAs {
  uid: number;
  gid: number;
  name: string;
}

function osUserIds(name: string): RunAs | undefined {
  try {
    const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    if (Number.isInteger(uid) && Number.isInteger(gid) && uid !== 0) return { uid, gid, name };
  } catch {
    // no such user
  }
  return undefined;
}

/** Who initdb/postgres run as: undefined = the current user (not root). */
export function resolveRunAs(osUser?: string): RunAs | undefined {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  const wanted = osUser ?? process.env.PG_OS_USER;
  if (wanted) {
    const ids = osUserIds(wanted);
    if (!ids) throw new Error(`PostgreSQL OS user "${wanted}" does not exist (or is root); PostgreSQL refuses to run as root.`);
    return ids;
  }
  const ids = osUserIds('postgres') ?? osUserIds('nobody');
  if (!ids)
    throw new Error(
      'Running as root, and neither a `postgres` nor a `nobody` OS user exists to run PostgreSQL as (it refuses to run as root). Create one (`useradd --system postgres`) or pass osUser.',
    );
  return ids;
}
