// A throwaway PostgreSQL cluster for tests: `initdb` into a temp folder, one `postgres` process on
// 127.0.0.1 and a free port, fsync off. Works as root (the server refuses to run as root, so the
// cluster is owned by and runs as a non-root OS user: `postgres` when it exists, else `nobody`)
// and as any other user (runs as that user). Needs the PostgreSQL server binaries (`initdb`,
// `postgres`) and `psql`: found via `binDir`, $PG_BIN_DIR, PATH, then /usr/lib/postgresql/*/bin
// (where Debian's `apt-get install postgresql` puts them).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { forgetOnExit, reapOnExit } from './exit-reaper.js';
import { waitForExit } from './processes.js';
import { requireBinary, resolveRunAs, type RunAs } from './postgres-binaries.js';

export { findPostgresBinary } from './postgres-binaries.js';

export interface PostgresOptions {
  /** Database superuser name (not an OS user). Default `postgres`. */
  user?: string;
  /** Its password. Default `postgres`. Only checked when `auth` is `scram-sha-256`. */
  password?: string;
  /** Authentication for TCP connections. Default `trust` (any password is accepted). */
  auth?: 'trust' | 'scram-sha-256';
  /** A fixed port; default a free one. */
  port?: number;
  /** Folder holding `initdb`, `postgres` and `psql`. */
  binDir?: string;
  /** When running as root, the OS user that owns and runs the cluster. Default `postgres`, else `nobody`. */
  osUser?: string;
  /** Parent folder for the cluster's temp folder. Default the OS temp folder. */
  baseDir?: string;
  /** Keep the temp folder (data + log) after stop(). Default false. */
  keepData?: boolean;
  /** Extra server settings, passed as `-c name=value`. */
  settings?: Record<string, string | number>;
  /** How long to wait for the server to accept connections. Default 30 s. */
  startTimeoutMs?: number;
}

export interface Postgres {
  host: string;
  port: number;
  user: string;
  password: string;
  /** The temp folder: `data/` and `postgres.log`. */
  dir: string;
  logFile: string;
  /** A libpq/`pg` connection URL for a database on this server. */
  url(dbName: string): string;
  /** Creates the database if it does not exist yet. */
  createDatabase(name: string): Promise<void>;
  dropDatabase(name: string): Promise<void>;
  /** Runs SQL through psql and returns its unaligned, tuples-only output. */
  query(sql: string, dbName?: string): Promise<string>;
  /** Stops the server (fast shutdown) and removes the temp folder. Safe to call twice. */
  stop(): Promise<void>;
}

function tail(file: string, lines = 40): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

function runChecked(file: string, args: string[], opts: { cwd: string; runAs?: RunAs; env?: NodeJS.ProcessEnv }): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      {
        cwd: opts.cwd,
        env: opts.env ?? process.env,
        encoding: 'utf8',
        maxBuffer: 16 * 1024 * 1024,
        ...(opts.runAs ? { uid: opts.runAs.uid, gid: opts.runAs.gid } : {}),
      },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${file} ${args.join(' ')} failed: ${error.message}\n${stderr}${stdout}`));
        else resolve(stdout);
      },
    );
  });
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** Starts a throwaway PostgreSQL server; call stop() when done. */
export async function startPostgres(options: PostgresOptions = {}): Promise<Postgres> {
  const user = options.user ?? 'postgres';
  const password = options.password ?? 'postgres';
  const auth = options.auth ?? 'trust';
  const host = '127.0.0.1';
  const initdb = requireBinary('initdb', options.binDir);
  const postgresBin = requireBinary('postgres', options.binDir);
  // psql from the same folder as the server (Debian's /usr/bin/psql is a wrapper script).
  const binDir = postgresBin.slice(0, postgresBin.lastIndexOf('/'));
  const psql = requireBinary('psql', options.binDir ?? binDir);
  const runAs = resolveRunAs(options.osUser);

  const dir = mkdtempSync(join(options.baseDir ?? tmpdir(), 'sy-pg-'));
  const dataDir = join(dir, 'data');
  const logFile = join(dir, 'postgres.log');
  const pwFile = join(dir, 'pwfile');
  writeFileSync(pwFile, `${password}\n`, { mode: 0o600 });
  if (runAs) {
    chownSync(dir, runAs.uid, runAs.gid);
    chownSync(pwFile, runAs.uid, runAs.gid);
  }
  const childEnv: NodeJS.ProcessEnv = { ...process.env, LC_ALL: 'C', LANG: 'C', HOME: dir };
  delete childEnv.PGDATA;

  try {
    await runChecked(
      initdb,
      [
        '-D',
        dataDir,
        '-U',
        user,
        `--pwfile=${pwFile}`,
        '--auth-local=trust',
        `--auth-host=${auth}`,
        '--encoding=UTF8',
        '--locale=C',
        '--no-sync',
        '--no-instructions',
      ],
      { cwd: dir, runAs, env: childEnv },
    );
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  rmSync(pwFile, { force: true });

  const startTimeoutMs = options.startTimeoutMs ?? 30_000;
  let child: ChildProcess | undefined;
  let port = 0;
  // A free port can be taken between freePort() and bind(): retry with another one.
  for (let attempt = 0; attempt < 5 && !child; attempt++) {
    port = options.port ?? (await freePort());
    const settings: Record<string, string | number> = {
      listen_addresses: host,
      port,
      unix_socket_directories: dir,
      fsync: 'off',
      synchronous_commit: 'off',
      full_page_writes: 'off',
      max_connections: 300,
      shared_buffers: '64MB',
      ...options.settings,
    };
    const args = ['-D', dataDir, ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
    writeFileSync(logFile, '');
    if (runAs) chownSync(logFile, runAs.uid, runAs.gid);
    const logFd = openSync(logFile, 'a');
    const started = spawn(postgresBin, args, {
      cwd: dir,
      env: childEnv,
      stdio: ['ignore', logFd, logFd],
      ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}),
    });
    closeSync(logFd);
    const outcome = await new Promise<'ready' | 'exited' | 'timeout'>((resolve) => {
      const deadline = Date.now() + startTimeoutMs;
      const onExit = () => resolve('exited');
      started.once('exit', onExit);
      started.once('error', onExit);
      const poll = () => {
        if (started.exitCode !== null || started.signalCode !== null) return;
        if (tail(logFile, 200).includes('ready to accept connections')) {
          started.off('exit', onExit);
          resolve('ready');
        } else if (Date.now() > deadline) {
          started.off('exit', onExit);
          resolve('timeout');
        } else {
          setTimeout(poll, 50);
        }
      };
      poll();
    });
    if (outcome === 'ready') {
      child = started;
      break;
    }
    const log = tail(logFile);
    if (outcome === 'timeout') {
      started.kill('SIGQUIT');
      await waitForExit(started, 5_000);
    }
    const portClash = /could not bind|Address already in use/i.test(log);
    if (!portClash || options.port !== undefined || attempt === 4) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`PostgreSQL did not start (${outcome}) on ${host}:${port}. Log tail:\n${log}`);
    }
  }
  if (!child || child.pid === undefined) throw new Error('PostgreSQL did not start');
  const server = child;
  const pid = child.pid;
  reapOnExit(pid, 'SIGQUIT');

  const psqlEnv: NodeJS.ProcessEnv = { ...process.env, PGPASSWORD: password, PGCONNECT_TIMEOUT: '10' };
  const query = (sql: string, dbName = 'postgres') =>
    runChecked(psql, ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-h', host, '-p', String(port), '-U', user, '-d', dbName, '-c', sql], {
      cwd: dir,
      env: psqlEnv,
    });

  let stopped = false;
  return {
    host,
    port,
    user,
    password,
    dir,
    logFile,
    url: (dbName) => `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${host}:${port}/${encodeURIComponent(dbName)}`,
    query,
    async createDatabase(name) {
      const exists = await query(`SELECT 1 FROM pg_database WHERE datname = ${quoteLiteral(name)}`);
      if (exists.trim() !== '1') await query(`CREATE DATABASE ${quoteIdent(name)}`);
    },
    async dropDatabase(name) {
      await query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      server.kill('SIGINT'); // fast shutdown
      if (!(await waitForExit(server, 15_000))) {
        server.kill('SIGQUIT'); // immediate shutdown
        if (!(await waitForExit(server, 5_000))) server.kill('SIGKILL');
      }
      forgetOnExit(pid);
      if (!options.keepData) rmSync(dir, { recursive: true, force: true });
    },
  };
}
