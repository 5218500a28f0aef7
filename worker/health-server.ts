// The worker's probes, on their own small HTTP server (WORKER_HEALTH_PORT): a worker serves no
// API, yet an orchestrator must tell a wedged one from a healthy one.
// GET /livez: the process answers (no I/O). GET /readyz: the worker is RUNNING and its Temporal
// connection answers, each check with a short deadline so a dead server makes it slow, not hung.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NativeConnection, State } from '@temporalio/worker';

export interface WorkerProbeSource {
  /** The worker's state: only RUNNING is ready (not INITIALIZED, STOPPING, DRAINED, FAILED…). */
  state(): State;
  connection: NativeConnection;
  taskQueue: string;
}

export interface WorkerHealthServer {
  port: number;
  close(): Promise<void>;
}

const DEADLINE_MS = 2000;

export interface WorkerReadiness {
  ready: boolean;
  worker: { state: State; taskQueue: string };
  temporal: { reachable: boolean; error?: string };
}

export async function workerReadiness(source: WorkerProbeSource): Promise<WorkerReadiness> {
  const state = source.state();
  let temporal: WorkerReadiness['temporal'];
  try {
    const { connection } = source;
    // The gRPC deadline alone is not enough: the native client retries a dead channel for ~10 s.
    const call = connection.withDeadline(Date.now() + DEADLINE_MS, () => connection.workflowService.getSystemInfo({}));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Temporal did not answer within ${DEADLINE_MS} ms`)), DEADLINE_MS);
    });
    call.catch(() => undefined);
    await Promise.race([call, timeout]).finally(() => clearTimeout(timer));
    temporal = { reachable: true };
  } catch (error) {
    temporal = { reachable: false, error: error instanceof Error ? error.message : String(error) };
  }
  return { ready: state === 'RUNNING' && temporal.reachable, worker: { state, taskQueue: source.taskQueue }, temporal };
}

export async function startWorkerHealthServer(source: WorkerProbeSource, port: number, host = '0.0.0.0'): Promise<WorkerHealthServer> {
  const startedAt = Date.now();
  const server: Server = createServer((req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/livez' && path !== '/readyz') return send(404, { error: 'Not Found' });
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      return send(405, { error: 'Method Not Allowed' });
    }
    if (path === '/livez') return send(200, { status: 'UP', uptimeSeconds: Math.round((Date.now() - startedAt) / 1000) });
    workerReadiness(source).then(
      (readiness) => send(readiness.ready ? 200 : 503, readiness),
      (error: unknown) => send(503, { ready: false, error: String(error) }),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
