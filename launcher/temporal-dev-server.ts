// Runs `temporal server start-dev` as a child process with a SQLite file in the data folder (so
// runs survive a restart), the UI, and the project's search attributes registered.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { devServerSearchAttributeArgs } from '../common/search-attributes.js';
import { devServerDynamicConfigArgs } from '../common/temporal/dynamic-config.js';
import { findTemporalCli, HOW_TO_INSTALL_TEMPORAL } from '../scripts/temporal-binaries.mjs';

export interface DevServerOptions {
  dataDir: string;
  namespace: string;
  port: number;
  uiPort: number;
}

export interface RunningDevServer {
  address: string;
  uiUrl: string;
  cliPath: string;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 60_000;

export async function startTemporalDevServer(options: DevServerOptions): Promise<RunningDevServer> {
  const cli = findTemporalCli();
  if (!cli) throw new Error(`${HOW_TO_INSTALL_TEMPORAL}\n  (or run \`npm run setup\`, which tries 1 and 2 for you)`);
  mkdirSync(options.dataDir, { recursive: true });
  const args = [
    'server',
    'start-dev',
    '--db-filename',
    join(options.dataDir, 'temporal.sqlite'),
    '--port',
    String(options.port),
    '--ui-port',
    String(options.uiPort),
    '--namespace',
    options.namespace,
    '--log-level',
    'warn',
    ...devServerSearchAttributeArgs(),
    ...devServerDynamicConfigArgs(),
  ];
  const child = spawn(cli.path, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const address = `127.0.0.1:${options.port}`;
  try {
    await waitUntilReady(address, exited);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n${stderr.trim()}`);
  }
  return {
    address,
    uiUrl: `http://localhost:${options.uiPort}`,
    cliPath: cli.path,
    stop: () => stopChild(child, exited),
  };
}

async function waitUntilReady(address: string, exited: Promise<number | null>): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let exitCode: number | null | undefined;
  void exited.then((code) => {
    exitCode = code;
  });
  while (Date.now() < deadline) {
    if (exitCode !== undefined)
      throw new Error(`temporal server start-dev exited with code ${exitCode} (is port ${address.split(':')[1]} in use?)`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await connection.withDeadline(Date.now() + 1000, () => connection.workflowService.getSystemInfo({}));
        return;
      } finally {
        await connection.close();
      }
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  }
  throw new Error(`Temporal dev server did not become ready at ${address} within ${READY_TIMEOUT_MS / 1000} s`);
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  const killTimer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(killTimer);
}
