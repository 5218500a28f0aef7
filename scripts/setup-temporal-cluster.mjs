#!/usr/bin/env node
// Provisions what the cluster test suite (test/cluster/) needs to run a real multi-node Temporal
// server on PostgreSQL, all project-local under .tools/temporal-cluster/:
//   bin/temporal-server      the official server   (go.temporal.io/server/cmd/server)
//   bin/temporal-sql-tool    its schema tool       (go.temporal.io/server/cmd/tools/sql)
//   schema/postgresql/v12/   the versioned PostgreSQL schemas shipped in the same Go module
// and checks that the PostgreSQL server binaries (initdb, postgres, psql) can be found.
//
// Idempotent: binaries of the pinned version are reused (also ones already built into
// .tools/go/bin as `server` / `sql`); otherwise they are built with `go install` (GOTOOLCHAIN=auto,
// so any Go >= 1.21 fetches the toolchain the module needs; the build takes a few minutes).
// Plain Node, no dependencies. Flags: --quiet, --force (rebuild and re-copy).
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import {
  fail,
  findGo,
  force,
  goEnv,
  goInstall,
  isExecutable,
  onPath,
  projectRoot,
  quiet,
  readStamp,
  requireGo,
  say,
  writeStamp,
} from './tool-cache.mjs';

const SERVER_MODULE = 'go.temporal.io/server';
const SERVER_VERSION = 'v1.32.2';
const clusterToolsDir = join(projectRoot, '.tools', 'temporal-cluster');
const binDir = join(clusterToolsDir, 'bin');
const schemaDest = join(clusterToolsDir, 'schema', 'postgresql', 'v12');
const schemaStamp = join(clusterToolsDir, 'schema', '.version');
/** Where an earlier `GOBIN=.tools/go/bin go install …/cmd/server …/cmd/tools/sql` left its binaries. */
const legacyGoBin = join(projectRoot, '.tools', 'go', 'bin');

const BINARIES = [
  { target: 'temporal-server', goName: 'server', pkg: `${SERVER_MODULE}/cmd/server` },
  { target: 'temporal-sql-tool', goName: 'sql', pkg: `${SERVER_MODULE}/cmd/tools/sql` },
];

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const wantedVersion = SERVER_VERSION.replace(/^v/, '');

/** `<binary> --version` reports the pinned server version (both tools print "… version 1.32.2"). */
function hasPinnedVersion(path) {
  if (!isExecutable(path)) return false;
  const result = spawnSync(path, ['--version'], { encoding: 'utf8', timeout: 30_000 });
  return result.status === 0 && new RegExp(`version ${wantedVersion.replace(/\./g, '\\.')}\\b`).test(result.stdout ?? '');
}

/** Hard link (instant, no extra 200 MB), falling back to a copy. */
function linkOrCopy(from, to) {
  rmSync(to, { force: true });
  try {
    linkSync(from, to);
  } catch {
    const partial = `${to}.partial`;
    copyFileSync(from, partial);
    renameSync(partial, to);
  }
  chmodSync(to, 0o755);
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL
function debianPgBinDirs() {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((v) => /^\d+$/.test(v))
    .sort((a, b) => Number(b) - Number(a))
    .map((v) => join(root, v, 'bin'));
}

function findPostgres() {
  const extra = [process.env.PG_BIN_DIR, ...debianPgBinDirs()].filter(Boolean);
  const found = {};
  for (const name of ['initdb', 'postgres', 'psql']) found[name] = onPath(name, extra);
  return found;
}

function missingPg(found) {
  return Object.entries(found)
    .filter(([, path]) => !path)
    .map(([name]) => name);
}

function ensurePostgres() {
  let found = findPostgres();
  if (missingPg(found).length && isRoot && onPath('apt-get')) {
    say(`PostgreSQL programs missing (${missingPg(found).join(', ')}); installing with apt-get (running as root)`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const install = () =>
      spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'postgresql', 'postgresql-client'], {
        stdio: quiet ? 'ignore' : 'inherit',
        env,
      });
    if (install().status !== 0) {
      spawnSync('apt-get', ['update'], { stdio: quiet ? 'ignore' : 'inherit', env });
      install();
    }
    found = findPostgres();
  }
  const missing = missingPg(found);
  if (missing.length) {
    return [
      `PostgreSQL programs not found: ${missing.join(', ')} (looked on PATH, in $PG_BIN_DIR and /usr/lib/postgresql/*/bin).`,
      '  Install PostgreSQL (>= 12): Debian/Ubuntu `apt-get install -y postgresql` (as root), macOS `brew install postgresql`,',
      '  or set PG_BIN_DIR to the folder holding initdb, postgres and psql.',
    ];
  }
  say(`PostgreSQL: ${found.postgres} (${spawnSync(found.postgres, ['--version'], { encoding: 'utf8' }).stdout?.trim() ?? '?'})`);
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Go
const HOW_TO_GET_GO = [
  `Building the Temporal server ${SERVER_VERSION} needs Go (any Go >= 1.21: GOTOOLCHAIN=auto then fetches the`,
  'toolchain the module requires from the Go module proxy). Do one of these, then re-run this script:',
  '  1. install Go from https://go.dev/dl/ and put `go` on PATH (Debian 12 `apt-get install golang-go` is 1.19: too old;',
  '     use bookworm-backports `apt-get install -t bookworm-backports golang-go`, or the go.dev tarball)',
  `  2. or build elsewhere and copy the binaries: GOBIN=$PWD/bin GOTOOLCHAIN=auto go install ${SERVER_MODULE}/cmd/server@${SERVER_VERSION} ${SERVER_MODULE}/cmd/tools/sql@${SERVER_VERSION}`,
  `     then place them as ${join(binDir, 'temporal-server')} and ${join(binDir, 'temporal-sql-tool')}`,
  `     and copy <module>/schema/postgresql/v12 to ${schemaDest}`,
];

// ---------------------------------------------------------------------------------------------
// Binaries
function ensureBinaries() {
  mkdirSync(binDir, { recursive: true });
  const missing = [];
  for (const bin of BINARIES) {
    const target = join(binDir, bin.target);
    if (!force && hasPinnedVersion(target)) {
      say(`${bin.target}: ${target} (${SERVER_VERSION}, reused)`);
      continue;
    }
    const prebuilt = join(legacyGoBin, bin.goName);
    if (!force && hasPinnedVersion(prebuilt)) {
      linkOrCopy(prebuilt, target);
      say(`${bin.target}: ${target} (${SERVER_VERSION}, taken from ${prebuilt})`);
      continue;
    }
    missing.push(bin);
  }
  if (!missing.length) return;

  const go = requireGo(`build ${missing.map((b) => b.target).join(' and ')}`, HOW_TO_GET_GO);
  // go install names them `server` and `sql` (the package dirs); renamed to their targets below.
  const gobin = join(clusterToolsDir, 'gobin');
  const pkgs = missing.map((b) => `${b.pkg}@${SERVER_VERSION}`);
  say(
    `building ${missing.map((b) => b.target).join(' and ')} ${SERVER_VERSION} with ${go} (GOTOOLCHAIN=auto; takes ~4 minutes on 2 cores)`,
  );
  const started = Date.now();
  goInstall(go, pkgs, gobin, ['Common causes: no access to the Go module proxy (check GOPROXY), or no disk space. Output is above.']);
  for (const bin of missing) {
    const built = join(gobin, bin.goName);
    if (!hasPinnedVersion(built)) fail(`go install finished but ${built} is missing or not ${SERVER_VERSION}`);
    const target = join(binDir, bin.target);
    rmSync(target, { force: true });
    renameSync(built, target);
  }
  rmSync(gobin, { recursive: true, force: true });
  say(`built in ${Math.round((Date.now() - started) / 1000)} s: ${missing.map((b) => join(binDir, b.target)).join(', ')}`);
}

// ---------------------------------------------------------------------------------------------
// Schemas
function moduleDir() {
  // Where the module already sits in the module cache (no Go needed to find it there).
  const caches = [
    process.env.GOMODCACHE,
    process.env.GOPATH && join(process.env.GOPATH.split(delimiter)[0], 'pkg', 'mod'),
    join(process.env.HOME ?? '/root', 'go', 'pkg', 'mod'),
  ].filter(Boolean);
  const found = findGo();
  if (found?.ok) {
    try {
      caches.unshift(execFileSync(found.go, ['env', 'GOMODCACHE'], { encoding: 'utf8', cwd: tmpdir() }).trim());
    } catch {
      // ignore
    }
  }
  for (const cache of caches) {
    const dir = join(cache, `${SERVER_MODULE}@${SERVER_VERSION}`);
    if (existsSync(join(dir, 'schema', 'postgresql', 'v12'))) return dir;
  }
  const go = requireGo(`download ${SERVER_MODULE}@${SERVER_VERSION} for its PostgreSQL schemas`, HOW_TO_GET_GO);
  say(`$ GOTOOLCHAIN=auto go mod download -json ${SERVER_MODULE}@${SERVER_VERSION}`);
  const result = spawnSync(go, ['mod', 'download', '-json', `${SERVER_MODULE}@${SERVER_VERSION}`], {
    cwd: tmpdir(),
    encoding: 'utf8',
    env: goEnv(),
  });
  let info;
  try {
    info = JSON.parse(result.stdout);
  } catch {
    info = undefined;
  }
  if (result.status !== 0 || !info?.Dir) fail([`go mod download ${SERVER_MODULE}@${SERVER_VERSION} failed:`, result.stderr, result.stdout]);
  return info.Dir;
}

function ensureSchemas() {
  const complete = existsSync(join(schemaDest, 'temporal', 'versioned')) && existsSync(join(schemaDest, 'visibility', 'versioned'));
  if (!force && complete && readStamp(schemaStamp) === SERVER_VERSION) {
    say(`schemas: ${schemaDest} (${SERVER_VERSION}, reused)`);
    return;
  }
  const source = join(moduleDir(), 'schema', 'postgresql', 'v12');
  for (const part of ['temporal', 'visibility']) {
    if (!existsSync(join(source, part, 'versioned'))) fail(`${join(source, part, 'versioned')} not found in the module`);
  }
  // Module cache files are read-only: copy to a scratch folder, make it writable, swap it in.
  mkdirSync(join(clusterToolsDir, 'schema'), { recursive: true });
  const scratch = mkdtempSync(join(clusterToolsDir, 'schema', '.copy-'));
  cpSync(source, scratch, { recursive: true });
  makeWritable(scratch);
  rmSync(schemaDest, { recursive: true, force: true });
  mkdirSync(join(schemaDest, '..'), { recursive: true });
  renameSync(scratch, schemaDest);
  writeStamp(schemaStamp, SERVER_VERSION);
  say(`schemas: copied ${source} -> ${schemaDest}`);
}

function makeWritable(dir) {
  chmodSync(dir, 0o755);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) makeWritable(path);
    else chmodSync(path, 0o644);
  }
}

// ---------------------------------------------------------------------------------------------
const pgProblem = ensurePostgres();
ensureBinaries();
ensureSchemas();
if (pgProblem) fail(pgProblem);
say(`Temporal cluster tooling ready in ${clusterToolsDir}`);
