// What the setup scripts that build a tool into .tools/ share: the --quiet/--force flags and their
// log lines, finding executables and a Go new enough for GOTOOLCHAIN=auto, the version stamp
// that marks a cached tool complete, and a `go install` into a scratch GOBIN. One copy, so the
// scripts agree on when a cache counts as present (they must be no-ops then).
// Plain Node, no dependencies: it runs before `npm ci`.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = resolve(fileURLToPath(new URL('..', import.meta.url)));

export const quiet = process.argv.includes('--quiet');
export const force = process.argv.includes('--force');
export const say = (line) => {
  if (!quiet) console.log(`[setup] ${line}`);
};
export const fail = (lines) => {
  console.error(['[setup] ERROR:', ...[lines].flat()].join('\n'));
  process.exit(1);
};

export function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The first executable `name` on PATH, then in `extraDirs`. */
export function onPath(name, extraDirs = []) {
  for (const dir of [...(process.env.PATH ?? '').split(delimiter), ...extraDirs]) {
    if (dir && isExecutable(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/** The `.version` stamp a setup writes once a cached tool is complete; '' when there is none. */
export const readStamp = (path) => (existsSync(path) ? readFileSync(path, 'utf8').trim() : '');
export const writeStamp = (path, value) => writeFileSync(path, `${value}\n`);

/** GOTOOLCHAIN=auto: the modules we build need a newer Go than most machines have; Go fetches it. */
export const goEnv = () => ({ ...process.env, GOTOOLCHAIN: 'auto' });

/** `go` on PATH or in its usual homes; `ok` when it is >= 1.21, the first that honours GOTOOLCHAIN=auto. */
export function findGo() {
  const go = onPath('go', ['/usr/local/go/bin', join(process.env.HOME ?? '/root', 'go', 'bin'), '/usr/lib/go/bin']);
  if (!go) return undefined;
  const out = spawnSync(go, ['version'], { encoding: 'utf8' }).stdout ?? '';
  const m = /go(\d+)\.(\d+)/.exec(out);
  if (!m) return { go, ok: false, version: out.trim() };
  const [major, minor] = [Number(m[1]), Number(m[2])];
  return { go, ok: major > 1 || (major === 1 && minor >= 21), version: out.trim() };
}

/** A usable `go`, or exit saying why it was needed and how to get one. */
export function requireGo(why, howTo) {
  const found = findGo();
  if (!found) fail([`Go not found (needed to ${why}).`, ...howTo]);
  if (!found.ok) fail([`${found.version} at ${found.go} is too old for GOTOOLCHAIN=auto (needed to ${why}).`, ...howTo]);
  return found.go;
}

/**
 * `go install pkgs` into a fresh scratch `gobin`, which the caller renames into place, so a
 * half-finished build never looks complete. Exits with `hint` when the build fails.
 */
export function goInstall(go, pkgs, gobin, hint) {
  rmSync(gobin, { recursive: true, force: true });
  mkdirSync(gobin, { recursive: true });
  say(`$ GOBIN=${gobin} GOTOOLCHAIN=auto go install ${pkgs.join(' ')}`);
  const result = spawnSync(go, ['install', ...pkgs], {
    cwd: tmpdir(),
    stdio: quiet ? ['ignore', 'ignore', 'inherit'] : 'inherit',
    env: { ...goEnv(), GOBIN: gobin },
  });
  if (result.status !== 0) fail([`go install failed (exit ${result.status ?? result.signal}).`, ...hint]);
}
