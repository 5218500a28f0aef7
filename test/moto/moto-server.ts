// Starts the Python moto server (provisioned by scripts/setup-moto.mjs into .tools/python) on a
// free port for one test file. A missing moto is an error with the way to fix it, never a skip:
// the conformance suite is part of the tests the design asks for.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../support/free-port.js';

export const pythonToolsDir = fileURLToPath(new URL('../../.tools/python', import.meta.url));
const STARTUP_TIMEOUT_MS = 15_000;

export interface RunningMoto {
  url: string;
  /** Forgets every resource in every service (moto's POST /moto-api/reset). */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

const HOW_TO_INSTALL = [
  `moto is not installed in ${pythonToolsDir}; the conformance tests in test/moto need it.`,
  'Provision it with `npm run setup` (or `node scripts/setup-moto.mjs`), which runs',
  `  python3 -m pip install --target ${pythonToolsDir} 'moto[server]==<pinned version>'`,
].join('\n');

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

export async function startMoto(): Promise<RunningMoto> {
  if (!existsSync(`${pythonToolsDir}/moto/server.py`)) throw new Error(HOW_TO_INSTALL);
  const python = process.env.MOTO_PYTHON ?? 'python3';
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const pythonPath = [pythonToolsDir, process.env.PYTHONPATH].filter(Boolean).join(delimiter);
  const child = spawn(python, ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
    env: { ...process.env, PYTHONPATH: pythonPath, PYTHONDONTWRITEBYTECODE: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let spawnError: Error | undefined;
  child.once('error', (error) => {
    spawnError = error;
  });

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const done = exited(child);
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
    await done;
    clearTimeout(timer);
  };

  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  for (;;) {
    if (spawnError) throw new Error(`Could not run ${python} for moto: ${spawnError.message}\n${HOW_TO_INSTALL}`);
    if (child.exitCode !== null) {
      throw new Error(`moto server exited with code ${child.exitCode} before answering:\n${output}\n${HOW_TO_INSTALL}`);
    }
    try {
      const response = await fetch(`${url}/moto-api/`, { signal: AbortSignal.timeout(1_000) });
      if (response.ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`moto server did not answer on ${url} within ${STARTUP_TIMEOUT_MS} ms:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  return {
    url,
    async reset() {
      const response = await fetch(`${url}/moto-api/reset`, { method: 'POST' });
      if (!response.ok) throw new Error(`moto reset failed: HTTP ${response.status}`);
    },
    stop,
  };
}
