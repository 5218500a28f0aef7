// Metrics end to end: the production worker entry (worker/main.ts, a child process) with
// WORKER_METRICS_ADDRESS exports the Temporal SDK's metrics; the API's /metrics (behind
// SWITCHYARD_METRICS_KEY) shows latency by route template and the business it saw, after a real
// deployment and a real distribution through the emulators; every metric the dashboard and the
// alert rules under deploy/ reference is among them.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { apiClient } from '../api/temporal-client.js';
import { loadConfig } from '../common/config/config.js';
import { startSandbox, type Sandbox } from '../emulators/sandbox.js';
import { sandboxChannelEndpoints } from '../emulators/wiring/channel-endpoints.js';
import { sandboxApiServices } from '../emulators/wiring/services.js';
import { canonicalServiceKey } from '../workflows/service/service-key.js';
import { CONTENT_URLS } from './channels/sandbox.js';
import { authHeader, buildTestApp } from './support/api.js';
import { client } from './support/deploy-flow.js';
import { freePort } from './support/free-port.js';
import { exportedMetrics, referencedMetrics } from './support/monitoring-files.js';
import { connectClient, uniqueTaskQueue } from './support/temporal.js';
import { spawnSandboxWorker, type WorkerProcess } from './support/worker-process.js';

const METRICS_KEY = randomBytes(24).toString('hex');

describe('metrics', () => {
  const taskQueue = uniqueTaskQueue('metrics');
  let temporal: Awaited<ReturnType<typeof connectClient>>;
  let sandbox: Sandbox;
  let worker: WorkerProcess | undefined;
  let app: ReturnType<typeof buildTestApp>;
  let workerMetricsUrl: string;

  beforeAll(async () => {
    temporal = await connectClient();
    sandbox = await startSandbox({ stepMs: 20, serviceName: `svc-${taskQueue}` });
    const encryptionKey = randomBytes(32).toString('base64');
    const config = loadConfig({
      SWITCHYARD_SANDBOX: 'true',
      SWITCHYARD_ENCRYPTION_KEY: encryptionKey,
      SWITCHYARD_DATA_DIR: mkdtempSync(join(tmpdir(), 'switchyard-metrics-')),
    });
    const services = sandboxApiServices(config, sandbox);
    // The API's own client, so its Temporal call timing is the one measured.
    app = buildTestApp(
      apiClient(temporal.client.connection, inject('temporalNamespace'), false),
      taskQueue,
      {
        deploy: services.deploy,
        metricsKey: METRICS_KEY,
        distribution: { retryWindowMs: 60_000, retryBackoffMs: 100, syncWaitMs: 15_000 },
      },
      { config, sandbox },
    );
    const port = await freePort();
    workerMetricsUrl = `http://127.0.0.1:${port}/metrics`;
    const naver = sandboxChannelEndpoints(sandbox.channels).partners.NAVER_BLOG;
    worker = await spawnSandboxWorker(
      { taskQueue, encryptionKey, dataDir: config.dataDir, sandbox },
      {
        WORKER_METRICS_ADDRESS: `127.0.0.1:${port}`,
        // One channel pointed at its emulator; KAKAO_CHANNEL stays unconfigured, so it fails.
        NAVER_BLOG_API_URL: naver.baseUrl,
        NAVER_BLOG_API_TOKEN: naver.token,
      },
    );
  });
  afterAll(async () => {
    await worker?.kill();
    await sandbox?.close();
    await temporal?.close();
  });

  const scrape = async (key?: string) => app.request('/metrics', key === undefined ? {} : { headers: { authorization: `Bearer ${key}` } });

  it('refuses scrapes without the metrics key, and an API key is not it', async () => {
    for (const res of [await scrape(), await scrape('wrong'), await app.request('/metrics', { headers: authHeader('admin') })]) {
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ status: 401, message: expect.stringMatching(/metrics key/) });
    }
  });

  it(
    'scrapes SDK metrics from the worker and latency and business metrics from the API after a deployment and a distribution',
    { timeout: 120_000 },
    async () => {
      const api = client(app);
      const connection = await api.connect();
      const started = await api.deploy(connection);
      expect(started.status).toBe(200);
      const id: string = started.body.data.deploymentId;
      await api.reach(id, 'DEPLOYMENT_READY');
      // At the gate (read through /result): one waiting, its time left under the switch timeout.
      const service = canonicalServiceKey(sandbox.target.cluster, sandbox.target.service);
      const atGate = await (await scrape(METRICS_KEY)).text();
      expect(atGate).toContain(`switchyard_gate_waiting{service="${service}"} 1`);
      const left = Number(new RegExp(`switchyard_gate_wait_remaining_seconds\\{service="${service}"\\} ([\\d.e+]+)`).exec(atGate)?.[1]);
      expect(left).toBeGreaterThan(0);
      expect(left).toBeLessThanOrEqual(loadConfig({}).deploy.limits.switchTimeoutMs / 1000);
      expect((await api.call('POST', `/api/v1/deploy/${id}/switch`, undefined, 'approver')).status).toBe(200);
      await api.reach(id, 'COMPLETED');
      expect(
        sandbox.aws.state.counters.deploymentsCreated.get(`${sandbox.target.codeDeployApplication}/${sandbox.target.codeDeployGroup}`),
      ).toBe(1);

      const eventId = `evt-${randomUUID().slice(0, 8)}`;
      const distributed = await app.request('/api/distribution/distribute', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...authHeader('deployer') },
        body: JSON.stringify({
          eventId,
          contentUrls: CONTENT_URLS,
          channels: [{ type: 'NAVER_BLOG', config: { title: 'metrics' } }, { type: 'KAKAO_CHANNEL' }],
        }),
      });
      expect(distributed.status).toBe(200);
      expect(await distributed.json()).toMatchObject({ status: 'PARTIAL_FAILURE' });

      const res = await scrape(METRICS_KEY);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = await res.text();
      // Latency by route template, never by raw path (the deployment id is not in any label).
      expect(text).toMatch(
        /switchyard_http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/deploy\/:id\/result",status="200"\} [1-9]/,
      );
      expect(text).toMatch(
        /switchyard_http_request_duration_seconds_bucket\{le="0\.1",method="POST",route="\/api\/distribution\/distribute",status="200"\} \d/,
      );
      expect(text).not.toContain(id);
      expect(text).not.toContain(eventId);
      // The earlier counters keep their information.
      expect(text).toMatch(/switchyard_http_requests_total\{method="GET",status="4xx"\} \d/);
      expect(text).toContain('switchyard_build_info{version="test"} 1');
      expect(text).toMatch(/switchyard_websocket_clients 0/);
      expect(text).toMatch(/switchyard_event_queries_total \d+/);
      // Node's own figures, once per process.
      expect(text).toMatch(/switchyard_api_process_resident_memory_bytes \d+/);
      expect(text).toMatch(/switchyard_api_nodejs_eventloop_lag_seconds [\d.e-]+/);
      // Where a read's time goes: the API's calls into Temporal, by call.
      expect(text).toMatch(/switchyard_temporal_call_duration_seconds_count\{call="query",outcome="ok"\} [1-9]/);
      expect(text).toMatch(/switchyard_temporal_call_duration_seconds_count\{call="start",outcome="ok"\} [1-9]/);
      // The business: one of each, with labels.
      expect(text).toContain(`switchyard_deployments_started_total{service="${service}",admission="started"} 1`);
      expect(text).toContain(`switchyard_deployments_finished_total{service="${service}",outcome="COMPLETED"} 1`);
      expect(text).toContain(`switchyard_approvals_total{service="${service}",switched="true"} 1`);
      expect(text).toContain(`switchyard_deployment_gate_seconds_count{service="${service}"} 1`);
      expect(text).toContain(`switchyard_deployment_queue_depth{service="${service}"} 0`);
      expect(text).toContain('switchyard_distributions_started_total 1');
      expect(text).toContain('switchyard_channel_publishes_total{channel="NAVER_BLOG",outcome="success"} 1');
      expect(text).toContain('switchyard_channel_publishes_total{channel="KAKAO_CHANNEL",outcome="failure"} 1');

      // The worker's SDK metrics (Temporal core's names), from the production entry's endpoint.
      const sdk = await (await fetch(workerMetricsUrl)).text();
      expect(sdk).toMatch(/temporal_worker_task_slots_available\{[^}]*task_queue="[^"]*metrics[^"]*"/);
      expect(sdk).toMatch(/temporal_activity_execution_latency[^\n]*service="switchyard-worker"/);
      expect(sdk).toMatch(/temporal_workflow_completed/);
      // The channel circuits, from the worker through the runtime's meter: used channels, closed.
      expect(sdk).toMatch(/switchyard_channel_circuit_open_until_seconds\{channel="NAVER_BLOG",service="switchyard-worker"\} 0/);
      expect(sdk).toMatch(/switchyard_channel_circuit_openings_total\{channel="NAVER_BLOG",service="switchyard-worker"\} 0/);
      // Switched: the gate is no longer waited at.
      expect(text).not.toMatch(/switchyard_gate_waiting\{/);

      // Every metric the Grafana dashboard and the Prometheus rules read is really exported.
      const exported = new Set([...exportedMetrics(text), ...exportedMetrics(sdk)]);
      const referenced = referencedMetrics();
      expect(referenced.length).toBeGreaterThan(15);
      expect(referenced.filter((name) => !exported.has(name))).toEqual([]);
    },
  );
});
