#!/usr/bin/env node
// Provisions schemathesis (property-based API testing from the OpenAPI document) for
// `npm run fuzz`: `pip install --target .tools/schemathesis schemathesis==X`, in a folder of its
// own so that its dependencies (hypothesis, jsonschema, requests…) never meet moto's in
// .tools/python. Idempotent: a marker file records the installed pin. Plain JavaScript with no
// dependencies so that it can run before `npm ci` has finished.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from './temporal-binaries.mjs';

export const SCHEMATHESIS_VERSION = '4.32.5';
export const schemathesisDir = join(projectRoot, '.tools', 'schemathesis');
const marker = join(schemathesisDir, '.schemathesis-version');

const quiet = process.argv.includes('--quiet');
const say = (line) => {
  if (!quiet) console.log(`[setup] ${line}`);
};

function runs(python) {
  const result = spawnSync(python, ['-c', 'import schemathesis; print(schemathesis.__version__)'], {
    env: { ...process.env, PYTHONPATH: schemathesisDir },
    encoding: 'utf8',
  });
  return result.status === 0 && result.stdout.trim() === SCHEMATHESIS_VERSION;
}

function installed() {
  return existsSync(marker) && readFileSync(marker, 'utf8').trim() === SCHEMATHESIS_VERSION && runs('python3');
}

function install() {
  // Into a staging folder, then swapped in whole: a failed install never leaves half a tool.
  const staging = `${schemathesisDir}.staging`;
  for (const python of ['python3', 'python']) {
    rmSync(staging, { recursive: true, force: true });
    say(`$ ${python} -m pip install --target ${schemathesisDir} schemathesis==${SCHEMATHESIS_VERSION}`);
    const result = spawnSync(
      python,
      ['-m', 'pip', 'install', '--disable-pip-version-check', '--quiet', '--target', staging, `schemathesis==${SCHEMATHESIS_VERSION}`],
      {
        stdio: quiet ? 'ignore' : 'inherit',
      },
    );
    if (result.error || result.status !== 0) continue;
    rmSync(schemathesisDir, { recursive: true, force: true });
    renameSync(staging, schemathesisDir);
    if (runs(python)) return true;
  }
  rmSync(staging, { recursive: true, force: true });
  return false;
}

if (installed()) {
  say(`schemathesis ${SCHEMATHESIS_VERSION}: already in ${schemathesisDir}`);
} else if (install()) {
  writeFileSync(marker, `${SCHEMATHESIS_VERSION}\n`);
  say(`schemathesis ${SCHEMATHESIS_VERSION}: installed into ${schemathesisDir}`);
} else {
  console.error(
    [
      `Could not install schemathesis==${SCHEMATHESIS_VERSION} (the API fuzzer of npm run fuzz).`,
      'It needs Python 3.9+ with pip and access to PyPI. Install it yourself, then retry:',
      `  python3 -m pip install --target ${schemathesisDir} schemathesis==${SCHEMATHESIS_VERSION}`,
      `  echo ${SCHEMATHESIS_VERSION} > ${marker}`,
    ].join('\n'),
  );
  process.exit(1);
}
