// `npm start` as a new user meets it: the command runs as a process of its own with an empty data
// folder, and a deployment with a tag version goes through its API, switched as soon as it is
// ready. Timed in three parts: start-up (spawn → banner), deploy → DEPLOYMENT_READY and
// switch → COMPLETED; also the deployment's history length (its budget is 150 events).
// Standalone: `node --import tsx bench/npm-start.ts [runs]` (BENCH_HISTORY_TYPES=1 counts the
// history's events by type); in `npm run bench` as the row npm-start.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectSandbox, deploySandbox } from './sandbox-deploy.js';

export interface NpmStartRun {
  startupS: number;
  readyS: number;
  completedS: number;
  totalS: number;
  historyEvents: number;
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const KEY = 'bench-npm-start-admin-key-0123456789';

/** A port free right now (the dev server, its UI and the API each need one). */
async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer()
      .listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      })
      .on('error', reject);
  });
}

export async function npmStartRun(): Promise<NpmStartRun> {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-npm-start-'));
  const [port, devPort, uiPort] = [await freePort(), await freePort(), await freePort()];
  const t0 = performance.now();
  const child = spawn('npm', ['start', '--silent'], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      PORT: String(port),
      TEMPORAL_DEV_PORT: String(devPort),
      TEMPORAL_UI_PORT: String(uiPort),
      SWITCHYARD_DATA_DIR: dataDir,
      SWITCHYARD_API_KEY: KEY,
      LOG_LEVEL: 'warn',
    },
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Switchyard is running')) resolve();
      });
      child.stderr!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
      });
      void exited.then(() => reject(new Error(`npm start exited before its banner:\n${output.slice(-2000)}`)));
    });
    const startupS = (performance.now() - t0) / 1000;
    const base = `http://127.0.0.1:${port}`;
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return (await res.json()) as { code?: number; data?: Record<string, unknown> };
    };
    const connections = await connectSandbox(call);
    const t1 = performance.now();
    const id = await deploySandbox(call, connections);
    let t2 = 0;
    for (;;) {
      const status = (await call('GET', `/api/v1/deploy/${id}/result`)).data?.status;
      if (status === 'COMPLETED') break;
      if (status === 'FAILED' || status === 'ROLLED_BACK') throw new Error(`deployment ended ${status}`);
      if (status === 'DEPLOYMENT_READY' && !t2 && (await call('POST', `/api/v1/deploy/${id}/switch`)).code === 200) t2 = performance.now();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const t3 = performance.now();
    const historyEvents = await countHistory(devPort, id);
    return { startupS, readyS: (t2 - t1) / 1000, completedS: (t3 - t2) / 1000, totalS: (t3 - t0) / 1000, historyEvents };
  } finally {
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      /* already gone */
    }
    await exited;
    // The dev server may still be writing its last files as the process group exits.
    rmSync(dataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  }
}

async function countHistory(devPort: number, workflowId: string): Promise<number> {
  const { Client, Connection } = await import('@temporalio/client');
  const connection = await Connection.connect({ address: `127.0.0.1:${devPort}` });
  try {
    const history = await new Client({ connection }).workflow.getHandle(workflowId).fetchHistory();
    const events = history.events ?? [];
    if (process.env.BENCH_HISTORY_TYPES) {
      const types: Record<string, number> = {};
      for (const e of events) types[String(e.eventType)] = (types[String(e.eventType)] ?? 0) + 1;
      console.log('  history event types of %s: %s', workflowId, JSON.stringify(types));
    }
    return events.length;
  } finally {
    await connection.close();
  }
}

export function printNpmStartRuns(runs: NpmStartRun[]): void {
  const row = (name: string, pick: (r: NpmStartRun) => number, digits = 1) => {
    const xs = runs.map(pick).sort((a, b) => a - b);
    console.log(
      '  %s min %s   median %s   max %s',
      name.padEnd(22),
      xs[0]!.toFixed(digits),
      xs[Math.floor(xs.length / 2)]!.toFixed(digits),
      xs.at(-1)!.toFixed(digits),
    );
  };
  console.log(
    '`npm start` → first deployment COMPLETED (a process of its own, empty data folder, %d runs; goal total ≤ 8 s):',
    runs.length,
  );
  row('start-up (s)', (r) => r.startupS);
  row('deploy → READY (s)', (r) => r.readyS);
  row('switch → COMPLETED (s)', (r) => r.completedS);
  row('total (s)', (r) => r.totalS);
  row('history events', (r) => r.historyEvents, 0);
  console.log();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const runs: NpmStartRun[] = [];
  for (let i = 0; i < Number(process.argv[2] ?? 3); i += 1) {
    runs.push(await npmStartRun());
    console.log(
      '  run %d: %s',
      i + 1,
      JSON.stringify(runs.at(-1), (_k, v: unknown) => (typeof v === 'number' ? Number(v.toFixed(2)) : v)),
    );
  }
  printNpmStartRuns(runs);
}
