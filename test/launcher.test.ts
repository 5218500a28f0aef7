// The README's first command, as a user runs it: the launcher brings up its own Temporal dev
// server (SQLite in the data folder, UI), the worker and the API; Ctrl-C stops all of it; a
// second start on the same data folder still has the first run's workflows and admin key, and a
// sandbox deployment left waiting at the gate is switched and completes after the restart.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from './support/free-port.js';
import { json } from './support/http.js';
import { SANDBOX_SERVICE } from '../emulators/sandbox.js';

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
  child.stdout?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    output += d.toString();
  });
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
      DEPLOY_POLL_MS: '200',
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

    const probe = await json(
      await fetch(`${first.apiUrl}/api/v1/system/worker-probe`, { method: 'POST', headers: { authorization: `Bearer ${adminKey}` } }),
    );
    expect(probe.code).toBe(200);

    // A deployment of the sandbox's demo service, left waiting at the gate.
    const call = async (apiUrl: string, method: string, path: string, body?: unknown) =>
      json(
        await fetch(`${apiUrl}${path}`, {
          method,
          headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        }),
      );
    const connections = (await call(first.apiUrl, 'GET', '/api/v1/connections')).data;
    const deployed = await call(first.apiUrl, 'POST', '/api/v1/deploy', {
      githubConnectionId: connections.github[0].connectionId,
      awsConnectionId: connections.aws[0].connectionId,
      owner: SANDBOX_SERVICE.owner,
      repo: SANDBOX_SERVICE.repo,
      branch: 'main',
      version: 'v1.2.3',
    });
    expect(deployed.code, JSON.stringify(deployed)).toBe(200);
    const deploymentId: string = deployed.data.deploymentId;
    const statusAt = async (apiUrl: string) =>
      (await call(apiUrl, 'GET', `/api/v1/deploy/${deploymentId}/result`)).data?.status as string | undefined;
    await expect.poll(() => statusAt(first.apiUrl), { timeout: 60_000, interval: 300 }).toBe('DEPLOYMENT_READY');

    first.child.kill('SIGINT');
    expect(await first.exited).toBe(0);
    expect(first.output()).toContain('Temporal dev server stopped');

    const second = await launch(env);
    running.push(second.child);
    expect(second.output()).not.toContain(adminKey);
    expect(second.output()).toContain('Admin key    stored in');
    // The probe workflow from the first run is still in the SQLite-backed server, and the stored
    // admin key still works.
    const again = await fetch(`${second.apiUrl}/api/v1/system/worker-probe`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminKey}` },
    });
    expect(again.status).toBe(200);
    const { Connection, Client } = await import('@temporalio/client');
    const connection = await Connection.connect({ address: `127.0.0.1:${env.TEMPORAL_DEV_PORT}` });
    try {
      const description = await new Client({ connection }).workflow.getHandle(probe.data.workflowId).describe();
      expect(description.status.name).toBe('COMPLETED');
    } finally {
      await connection.close();
    }

    // The sandbox's CodeDeploy kept the deployment at Ready: the switch goes through and it completes on green.
    expect(await statusAt(second.apiUrl)).toBe('DEPLOYMENT_READY');
    const switched = await call(second.apiUrl, 'POST', `/api/v1/deploy/${deploymentId}/switch`);
    expect(switched.code, JSON.stringify(switched)).toBe(200);
    await expect.poll(() => statusAt(second.apiUrl), { timeout: 60_000, interval: 300 }).toBe('COMPLETED');
    expect((await call(second.apiUrl, 'GET', `/api/v1/deploy/${deploymentId}/result`)).data).toMatchObject({ finalService: 'green' });
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });
});
