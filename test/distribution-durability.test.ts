// What must survive: a scheduled publish across a worker restart, and the completion webhook
// across a receiver's transient failure (delivered, retried, same Idempotency-Key).
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../activities/index.js';
import { buildActivityDeps } from '../worker/activity-deps.js';
import { authHeader, buildTestApp } from './support/api.js';
import { json } from './support/http.js';
import { connectClient, startSandboxWorker, startTestWorker, uniqueTaskQueue, type SandboxWorker } from './support/temporal.js';

interface Delivery {
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
  answered: number;
}

describe('distribution durability', () => {
  const taskQueue = uniqueTaskQueue('dist-durable');
  let temporal: Awaited<ReturnType<typeof connectClient>>;
  let worker: SandboxWorker;
  let app: ReturnType<typeof buildTestApp>;
  let receiver: Server;
  const deliveries: Delivery[] = [];

  beforeAll(async () => {
    // A webhook receiver that fails the first delivery with 503, then accepts.
    receiver = createServer((req, res) => {
      let raw = '';
      req.on('data', (chunk: Buffer) => {
        raw += chunk.toString();
      });
      req.on('end', () => {
        const answered = deliveries.length === 0 ? 503 : 200;
        deliveries.push({ headers: req.headers, body: JSON.parse(raw) as Record<string, unknown>, answered });
        res.writeHead(answered).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const address = receiver.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    temporal = await connectClient();
    worker = await startSandboxWorker(taskQueue, {
      DISTRIBUTION_WEBHOOK_URL: `http://127.0.0.1:${port}/hooks/distribution`,
      DISTRIBUTION_WEBHOOK_SECRET: 'webhook-secret-0123456789',
    });
    app = buildTestApp(temporal.client, taskQueue, { distribution: { retryWindowMs: 600_000, retryBackoffMs: 100, syncWaitMs: 0 } });
  });
  afterAll(async () => {
    await worker?.stop();
    await temporal?.close();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  const status = async (eventId: string) =>
    json(await app.request(`/api/distribution/${eventId}/status`, { headers: authHeader('viewer') }));

  it('publishes a scheduled channel at its time although the worker was restarted in between, and tells the webhook once', async () => {
    const eventId = `evt-${randomUUID().slice(0, 8)}`;
    const scheduledTime = new Date(Date.now() + 4000).toISOString();
    const res = await app.request('/api/distribution/distribute', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...authHeader('deployer') },
      body: JSON.stringify({
        eventId,
        channels: [{ type: 'WOORIDONGNE_TV', config: { scheduledTime, radius: '1km' } }],
        contentUrls: { wooridongneTV: 'https://cdn.example.com/v.mp4' },
      }),
    });
    expect(res.status).toBe(202);
    expect((await status(eventId)).channels[0]).toMatchObject({ status: 'PENDING' });

    // The worker goes away while the timer runs; a new one (same emulators) picks the workflow up.
    worker.worker.shutdown();
    await new Promise((resolve) => setTimeout(resolve, 5000));
    // With no worker the state cannot be queried: an honest 503, not a hang or a 500.
    const unavailable = await app.request(`/api/distribution/${eventId}/status`, { headers: authHeader('viewer') });
    expect(unavailable.status).toBe(503);
    expect(await json(unavailable)).toMatchObject({ error: 'SERVICE_UNAVAILABLE' });
    const replacement = await startTestWorker(
      taskQueue,
      createActivities(buildActivityDeps(worker.config, worker.services, 'replacement-worker')),
    );
    try {
      await expect.poll(async () => (await status(eventId)).overallStatus, { timeout: 20_000, interval: 250 }).toBe('COMPLETED');
      const channel = (await status(eventId)).channels[0];
      expect(channel).toMatchObject({ status: 'COMPLETED', distributionId: expect.any(String), estimatedViews: expect.any(Number) });
      expect(Date.parse(channel.completedAt)).toBeGreaterThanOrEqual(Date.parse(scheduledTime));
      expect(worker.sandbox.channels.state.partners.WOORIDONGNE_TV.publishCount(`dist-${eventId}/WOORIDONGNE_TV`)).toBe(1);

      await expect.poll(() => deliveries.filter((d) => d.answered === 200).length, { timeout: 20_000 }).toBe(1);
      expect(deliveries).toHaveLength(2);
      expect(deliveries[0]!.headers['idempotency-key']).toBe(deliveries[1]!.headers['idempotency-key']);
      expect(deliveries[1]!.headers['x-switchyard-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
      expect(deliveries[1]!.body).toMatchObject({ type: 'distribution.settled', eventId, overallStatus: 'COMPLETED' });
    } finally {
      await replacement.stop();
    }
  });
});
