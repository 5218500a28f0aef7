// Liveness is the process alone; readiness needs Temporal and a polling worker. The outage here
// is real: a client whose address nothing listens on (a port we bind then release).
import { Client, Connection } from '@temporalio/client';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from './support/api.js';
import { json } from './support/http.js';
import { connectClient, uniqueTaskQueue } from './support/temporal.js';

async function deadAddress(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return `127.0.0.1:${port}`;
}

describe('API probes', () => {
  describe('with Temporal unreachable', () => {
    let connection: Connection;
    let app: ReturnType<typeof buildTestApp>;

    beforeAll(async () => {
      const address = await deadAddress();
      connection = Connection.lazy({ address });
      app = buildTestApp(new Client({ connection }), uniqueTaskQueue('probes-down'), { temporalAddress: address });
    });
    afterAll(async () => connection?.close());

    it('/livez answers 200 without calling Temporal', async () => {
      const started = Date.now();
      const res = await app.request('/livez');
      expect(res.status).toBe(200);
      expect(await json(res)).toMatchObject({ status: 'UP', version: 'test' });
      // The readiness checks' deadline is 2 s per call: liveness must not wait on any of them.
      expect(Date.now() - started).toBeLessThan(500);
    });

    it('/readyz answers 503 with Temporal unreachable', async () => {
      const res = await app.request('/readyz');
      expect(res.status).toBe(503);
      const body = await json(res);
      expect(body).toMatchObject({ ready: false, temporal: { reachable: false }, worker: { polling: false, pollers: 0 } });
      expect(body.temporal.error).toEqual(expect.any(String));
    });
  });

  describe('with Temporal up', () => {
    let temporal: Awaited<ReturnType<typeof connectClient>>;
    beforeAll(async () => {
      temporal = await connectClient();
    });
    afterAll(async () => temporal?.close());

    it('/readyz answers 503 while no worker polls the task queue', async () => {
      const app = buildTestApp(temporal.client, uniqueTaskQueue('probes-no-worker'));
      const res = await app.request('/readyz');
      expect(res.status).toBe(503);
      expect(await json(res)).toMatchObject({ ready: false, temporal: { reachable: true }, worker: { polling: false } });
      expect((await app.request('/livez')).status).toBe(200);
    });
  });
});
