// The suite's own Temporal dev server: fixed ports and a database file, so a restart (scenario 2)
// comes back at the same address with every workflow it had; the project's search attributes,
// as the launcher registers them; no UI.
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { devServerSearchAttributeArgs } from '../common/search-attributes.js';
import { devServerDynamicConfigArgs } from '../common/temporal/dynamic-config.js';
import { findTemporalCli, HOW_TO_INSTALL_TEMPORAL } from '../scripts/temporal-binaries.mjs';
import { freePort } from '../test/support/free-port.js';
import { startChild, waitUntil, type Child } from './processes.js';

export interface TemporalServer {
  address: string;
  namespace: string;
  /** SIGKILL, then start again on the same ports and database. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startTemporalServer(): Promise<TemporalServer> {
  const cli = findTemporalCli();
  if (!cli) throw new Error(`${HOW_TO_INSTALL_TEMPORAL}\n(run \`npm run setup\`)`);
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-faults-temporal-'));
  // Chosen once, then fixed: the worker and API reconnect to the same address after a restart.
  const [port, httpPort, metricsPort] = [await freePort(), await freePort(), await freePort()];
  const args = [
    'server',
    'start-dev',
    '--headless',
    '--log-level',
    'error',
    '--db-filename',
    join(dir, 'temporal.sqlite'),
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--http-port',
    String(httpPort),
    '--metrics-port',
    String(metricsPort),
    ...devServerSearchAttributeArgs(),
    ...devServerDynamicConfigArgs(),
  ];
  let child: Child | undefined;
  const start = async () => {
    child = startChild('temporal', cli.path, args, {});
    const server = child;
    await waitUntil('the Temporal server', () => accepts(port), { timeoutMs: 60_000, intervalMs: 100, watch: [server] });
  };
  await start();
  return {
    address: `127.0.0.1:${port}`,
    namespace: 'default',
    async restart() {
      await child?.kill();
      await start();
    },
    async stop() {
      await child?.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
