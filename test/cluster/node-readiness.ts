// Waits for a started node to serve, and for both nodes to share each membership ring.
import { Connection, type ConnectionOptions } from '@temporalio/client';
import { describeRings } from './admin-rpc.js';
import type { NodePorts } from './node-config.js';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until the frontend at `address` reports SERVING on the gRPC health service (TLS options too: a secured frontend). */
export async function waitForFrontend(
  target: string | ConnectionOptions,
  deadline: number,
  failed: () => string | undefined,
): Promise<void> {
  const options = typeof target === 'string' ? { address: target } : target;
  let lastError = 'not reachable yet';
  while (Date.now() < deadline) {
    const why = failed();
    if (why) throw new Error(why);
    let connection: Connection | undefined;
    try {
      connection = await Connection.connect({ ...options, connectTimeout: 2_000 });
      const health = await connection.withDeadline(Date.now() + 2_000, () =>
        connection!.healthService.check({ service: 'temporal.api.workflowservice.v1.WorkflowService' }),
      );
      if (health.status === 1 /* SERVING */) {
        await connection.withDeadline(Date.now() + 2_000, () => connection!.workflowService.getSystemInfo({}));
        return;
      }
      lastError = `health status ${health.status}`;
    } catch (error) {
      lastError = (error as Error).message;
    } finally {
      await connection?.close().catch(() => undefined);
    }
    await sleep(250);
  }
  throw new Error(`frontend ${options.address} not serving: ${lastError}`);
}

export async function retryUntil<T>(what: string, deadline: number, fn: () => Promise<T>): Promise<T> {
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      return await fn();
    } catch (error) {
      lastError = error;
      await sleep(300);
    }
  }
  throw new Error(`${what} timed out: ${(lastError as Error | undefined)?.message ?? 'no attempt'}`);
}

const RING_PORTS: Array<[string, keyof NodePorts]> = [
  ['frontend', 'frontend'],
  ['history', 'history'],
  ['matching', 'matching'],
  ['worker', 'worker'],
];

export async function waitForRings(addresses: string[], ports: NodePorts[], deadline: number): Promise<void> {
  const expected = Object.fromEntries(RING_PORTS.map(([role, key]) => [role, ports.map((p) => `127.0.0.1:${p[key]}`).sort()]));
  await retryUntil('membership rings', deadline, async () => {
    for (const address of addresses) {
      const view = await describeRings(address);
      for (const [role, members] of Object.entries(expected)) {
        if (JSON.stringify(view[role] ?? []) !== JSON.stringify(members)) {
          throw new Error(`${address} sees ${role} ring ${JSON.stringify(view[role] ?? [])}, expected ${JSON.stringify(members)}`);
        }
      }
    }
  });
}
