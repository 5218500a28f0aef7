// The README's first command, as a user runs it: the launcher brings up its own Temporal dev
// server (SQLite in the data folder, UI), the worker and the API; Ctrl-C stops all of it; a
// second start on the same data folder still has the first run's workflows and admin key.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from './support/free-port.js';
import { json } from './support/http.js';

interface Launched {
  child: ChildProcess;
  output: () => string;
  apiUrl: string;
  exited: Promise<number | null>;
}

async function launch(env: Record<string, string>): Promise<Launched> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'launcher/main.ts'], {
    env: { ...process.env, ...env, TEMPORAL_ADDRESS: '', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => { output += d.toString(); });
  child.stderr?.on('data', (d: Buffer) => { output += d.toString(); });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 90_000;
  while (!/API\s+(http:\S+)/.test(output)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`launcher did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const apiUrl = /API\s+(http:\S+)/.exec(output)![1]!;
  return { child, output: () => output, apiUrl, exited };
}

describe('npm start launcher', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-launcher-'));
  const running: ChildProcess[] = [];
  afterAll(() => {
    for (const child of running) if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts Temporal, worker and API, stops cleanly, and keeps runs across restarts', { timeout: 180_000 }, async () => {
    const env = {
      PORT: String(await freePort()),
      TEMPORAL_DEV_PORT: String(await freePort()),
      TEMPORAL_UI_PORT: String(await freePort()),
      SWITCHYARD_DATA_DIR: dataDir,
      SWITCHYARD_API_KEY: '',
    };
    const first = await launch(env);
    running.push(first.child);
    expect(first.output()).toContain('SANDBOX MODE');
    const adminKey = /Admin key\s+(sy_\S+)/.exec(first.output())?.[1];
    expect(adminKey).toBeDefined();

    const health = await json(await fetch(`${first.apiUrl}/healthz`));
    expect(health).toMatchObject({ status: 'UP', sandbox: true, temporal: { reachable: true }, worker: { polling: true } });
    const ui = await fetch(`http://localhost:${env.TEMPORAL_UI_PORT}/`);
    expect(ui.status).toBe(200);

    const probe = await json(await fetch(`${first.apiUrl}/api/v1/system/worker-probe`, { method: 'POST', headers: { authorization: `Bearer ${adminKey}` } }));
    expect(probe.code).toBe(200);

    first.child.kill('SIGINT');
    expect(await first.exited).toBe(0);
    expect(first.output()).toContain('Temporal dev server stopped');

    const second = await launch(env);
    running.push(second.child);
    expect(second.output()).not.toContain(adminKey);
    expect(second.output()).toContain('Admin key    stored in');
    // The probe workflow from the first run is still in the SQLite-backed server, and the stored
    // admin key still works.
    const again = await fetch(`${second.apiUrl}/api/v1/system/worker-probe`, { method: 'POST', headers: { authorization: `Bearer ${adminKey}` } });
    expect(again.status).toBe(200);
    const { Connection, Client } = await import('@temporalio/client');
    const connection = await Connection.connect({ address: `127.0.0.1:${env.TEMPORAL_DEV_PORT}` });
    try {
      const description = await new Client({ connection }).workflow.getHandle(probe.data.workflowId).describe();
      expect(description.status.name).toBe('COMPLETED');
    } finally {
      await connection.close();
    }
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });
});
