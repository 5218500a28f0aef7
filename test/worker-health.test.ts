// The worker's probe server against a real worker on the test Temporal server. Temporal's outage
// is real too: the worker connects through a TCP relay we own, then the relay goes away.
import { NativeConnection, Worker } from '@temporalio/worker';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { startWorkerHealthServer, type WorkerHealthServer } from '../worker/health-server.js';
import { installQuietRuntime } from './support/quiet-runtime.js';
import { temporalAddress, uniqueTaskQueue } from './support/temporal.js';

/** A TCP relay to Temporal that can be cut: closing it refuses new connections and drops open ones. */
async function startRelay(target: string) {
  const [host, port] = [target.slice(0, target.lastIndexOf(':')), Number(target.slice(target.lastIndexOf(':') + 1))];
  const sockets = new Set<Socket>();
  const server: Server = createServer((inbound) => {
    const outbound = connect(port, host);
    for (const socket of [inbound, outbound]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    inbound.pipe(outbound).pipe(inbound);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${(server.address() as { port: number }).port}`,
    cut: async () => {
      const closed = new Promise((resolve) => server.close(resolve));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

async function get(probes: WorkerHealthServer, path: string, method = 'GET') {
  const res = await fetch(`http://127.0.0.1:${probes.port}${path}`, { method });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a probe's JSON body, asserted field by field
  return { status: res.status, body: (method === 'HEAD' ? undefined : await res.json()) as any };
}

describe('worker probe server', () => {
  const taskQueue = uniqueTaskQueue('worker-health');
  let relay: Awaited<ReturnType<typeof startRelay>>;
  let connection: NativeConnection;
  let worker: Worker;
  let running: Promise<void>;
  let probes: WorkerHealthServer;

  beforeAll(async () => {
    installQuietRuntime();
    relay = await startRelay(temporalAddress());
    connection = await NativeConnection.connect({ address: relay.address });
    worker = await Worker.create({
      connection,
      namespace: inject('temporalNamespace'),
      taskQueue,
      workflowBundle: { codePath: inject('workflowBundlePath') },
    });
    probes = await startWorkerHealthServer({ state: () => worker.getState(), connection, taskQueue }, 0, '127.0.0.1');
  });
  afterAll(async () => {
    await probes?.close();
    if (worker?.getState() === 'RUNNING') worker.shutdown();
    await running?.catch(() => undefined);
    await connection?.close().catch(() => undefined);
    await relay?.cut();
  });

  it('is live but not ready before the worker runs', async () => {
    expect(await get(probes, '/livez')).toMatchObject({ status: 200, body: { status: 'UP' } });
    expect(await get(probes, '/readyz')).toMatchObject({
      status: 503,
      body: { ready: false, worker: { state: 'INITIALIZED', taskQueue }, temporal: { reachable: true } },
    });
  });

  it('is ready while the worker runs and Temporal answers; only GET and HEAD on its two paths', async () => {
    running = worker.run();
    await expect.poll(() => worker.getState()).toBe('RUNNING');
    expect(await get(probes, '/readyz?verbose=1')).toMatchObject({
      status: 200,
      body: { ready: true, worker: { state: 'RUNNING' }, temporal: { reachable: true } },
    });
    expect((await get(probes, '/readyz', 'HEAD')).status).toBe(200);
    expect((await get(probes, '/readyz', 'POST')).status).toBe(405);
    expect((await get(probes, '/healthz')).status).toBe(404);
  });

  it('is not ready once Temporal is unreachable, and still live', async () => {
    await relay.cut();
    const started = Date.now();
    const ready = await get(probes, '/readyz');
    expect(ready).toMatchObject({ status: 503, body: { ready: false, temporal: { reachable: false } } });
    expect(ready.body.temporal.error).toEqual(expect.any(String));
    // Bounded by the probe's deadline, not hung on the dead connection.
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await get(probes, '/livez')).toMatchObject({ status: 200, body: { status: 'UP' } });
  });
});
