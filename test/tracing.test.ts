// Traces and request ids end to end, with no mocks: the real app (server spans on), a Temporal
// client with the API's interceptors, a sandbox worker with tracing on (real emulators, real
// test server), and the SDK's InMemorySpanExporter behind the same redacting exporter OTLP gets.
// One sandbox deployment must give ONE trace from the API's request span through the workflow
// and an activity to that activity's outgoing HTTP call; its request id must appear on the access
// line and on the activity's log lines; and no exported span holds a query string or a secret.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createActivities } from '../activities/index.js';
import { loadConfig } from '../common/config/config.js';
import { createLogger } from '../common/logger.js';
import { clientInterceptors } from '../common/telemetry/client-interceptors.js';
import { startTracing } from '../common/telemetry/tracing.js';
import { startSandbox, SANDBOX_CREDENTIALS, SANDBOX_SERVICE, type Sandbox } from '../emulators/sandbox.js';
import { sandboxWorkerServices } from '../emulators/wiring/services.js';
import { buildActivityDeps } from '../worker/activity-deps.js';
import { PinoRuntimeLogger } from '../worker/runtime-logger.js';
import { createSwitchyardWorker } from '../worker/worker.js';
import { authHeader, buildTestApp } from './support/api.js';
import { client } from './support/deploy-flow.js';
import { uniqueTaskQueue } from './support/temporal.js';

function lineSink() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, stream };
}

// Once per process, before any worker: tracing (as api/main.ts and worker/main.ts start it) and
// the runtime's pino logger (as worker/main.ts installs it), at debug to see activity lines.
const exporter = new InMemorySpanExporter();
const tracing = startTracing({ serviceName: 'switchyard-test', exporter, immediate: true });
const workerLog = lineSink();
Runtime.install({
  logger: new PinoRuntimeLogger(createLogger('debug', 'switchyard-worker', workerLog.stream)),
  shutdownSignals: [],
  telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } },
});

describe('traces and request ids from the API to the outgoing calls', () => {
  const taskQueue = uniqueTaskQueue('tracing');
  const apiLog = lineSink();
  let sandbox: Sandbox;
  let worker: Worker;
  let running: Promise<void>;
  let workerConnection: NativeConnection;
  let connection: Connection;
  let api: ReturnType<typeof client>;
  let app: ReturnType<typeof buildTestApp>;

  beforeAll(async () => {
    const config = loadConfig({
      SWITCHYARD_SANDBOX: 'true',
      TEMPORAL_TASK_QUEUE: taskQueue,
      SWITCHYARD_DATA_DIR: mkdtempSync(join(tmpdir(), 'switchyard-test-')),
      DEPLOY_POLL_MS: '100',
    });
    sandbox = await startSandbox({ stepMs: 40, serviceName: `svc-${taskQueue}` });
    workerConnection = await NativeConnection.connect({ address: inject('temporalAddress') });
    worker = await createSwitchyardWorker({
      connection: workerConnection,
      namespace: inject('temporalNamespace'),
      taskQueue,
      activities: createActivities(buildActivityDeps(config, sandboxWorkerServices(config, sandbox), 'tracing-test-worker')),
      workflowBundle: { codePath: inject('workflowBundlePath') },
      tracing,
    });
    running = worker.run();
    // The API's client, with the interceptors api/start.ts gives it when tracing is on.
    connection = await Connection.connect({ address: inject('temporalAddress') });
    const temporal = new Client({ connection, namespace: inject('temporalNamespace'), interceptors: clientInterceptors(true) });
    app = buildTestApp(
      temporal,
      taskQueue,
      { tracing: true, logger: createLogger('info', 'switchyard-api', apiLog.stream) },
      { config, sandbox },
    );
    api = client(app);
  });
  afterAll(async () => {
    if (worker?.getState() === 'RUNNING') worker.shutdown();
    await running;
    await workerConnection?.close();
    await connection?.close();
    await sandbox?.close();
    await tracing.shutdown();
  });

  let deploymentId: string;
  let requestId: string;
  let switchRequestId: string;

  it('runs a sandbox deployment through the gate to COMPLETED', async () => {
    const connected = await api.connect();
    exporter.reset(); // from here on: the deployment's request only (and the polls for its result)
    // A query string and an Authorization header on the traced request: neither may reach a span.
    const res = await app.request('/api/v1/deploy?trace_probe=query-secret-7d1e', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer test-deployer-key-0123456789' },
      body: JSON.stringify({ ...connected, owner: SANDBOX_SERVICE.owner, repo: SANDBOX_SERVICE.repo, branch: 'main', version: 'v1.0.0' }),
    });
    const body = (await res.json()) as { data: { deploymentId: string } };
    expect(res.status, JSON.stringify(body)).toBe(200);
    deploymentId = body.data.deploymentId;
    requestId = res.headers.get('x-request-id')!;
    expect(requestId).toBeTruthy();
    await api.reach(deploymentId, 'DEPLOYMENT_READY');
    // Completed, so the workflow's run span has ended and been exported.
    const switched = await app.request(`/api/v1/deploy/${deploymentId}/switch`, { method: 'POST', headers: authHeader('approver') });
    expect(switched.status).toBe(200);
    switchRequestId = switched.headers.get('x-request-id')!;
    await api.reach(deploymentId, 'COMPLETED');
  });

  it('finds one trace id across the request span, the workflow, an activity and its outgoing HTTP call', () => {
    const spans = exporter.getFinishedSpans();
    const server = spans.find((s) => s.kind === SpanKind.SERVER && s.name === 'POST /api/v1/deploy');
    expect(server, spans.map((s) => s.name).join(', ')).toBeDefined();
    expect(server!.attributes).toMatchObject({
      'http.route': '/api/v1/deploy',
      'http.response.status_code': 200,
      'switchyard.request_id': requestId,
    });
    const traceId = server!.spanContext().traceId;
    const trace = spans.filter((s) => s.spanContext().traceId === traceId);
    const byId = new Map(trace.map((s) => [s.spanContext().spanId, s]));
    /** The span's ancestors' names, nearest first, as far as this trace holds them. */
    const ancestry = (span: ReadableSpan): string[] => {
      const names: string[] = [];
      for (let parent = byId.get(span.parentSpanContext?.spanId ?? ''); parent; parent = byId.get(parent.parentSpanContext?.spanId ?? ''))
        names.push(parent.name);
      return names;
    };

    const workflowRuns = trace.filter((s) => s.name.startsWith('RunWorkflow:'));
    expect(workflowRuns.map((s) => s.name)).toContain('RunWorkflow:deploymentWorkflow');
    // An outgoing HTTP call (AWS SDK over node:http, or fetch over undici) made inside an activity
    // of the deployment workflow, whose ancestry reaches the API's request span.
    const calls = trace.filter((s) => s.kind === SpanKind.CLIENT && s.attributes['http.request.method'] !== undefined);
    const chains = calls.map((call) => [call.name, ...ancestry(call)]);
    const complete = chains.filter(
      (chain) =>
        chain.some((n) => n.startsWith('RunActivity:')) &&
        chain.includes('RunWorkflow:deploymentWorkflow') &&
        chain.at(-1) === 'POST /api/v1/deploy',
    );
    expect(complete.length, JSON.stringify(chains)).toBeGreaterThan(0);
    // Each activity span continues the workflow's StartActivity span.
    const activity = trace.find((s) => s.name.startsWith('RunActivity:'))!;
    expect(ancestry(activity)[0]).toMatch(/^StartActivity:/);
  });

  it("replays the traced deployment's history (headers and spans change no command)", async () => {
    const history = await new Client({ connection, namespace: inject('temporalNamespace') }).workflow
      .getHandle(deploymentId)
      .fetchHistory();
    await expect(
      Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') } }, history, deploymentId),
    ).resolves.toBeUndefined();
  });

  it('exports no query string, Authorization header or credential in any span', () => {
    const exported = JSON.stringify(exporter.getFinishedSpans().map((s) => ({ name: s.name, attributes: s.attributes, events: s.events })));
    expect(exported.length).toBeGreaterThan(1000); // there is something to search
    for (const secret of [
      'query-secret-7d1e',
      'trace_probe',
      'test-deployer-key-0123456789',
      SANDBOX_CREDENTIALS.githubToken,
      SANDBOX_CREDENTIALS.awsSecretAccessKey,
    ]) {
      expect(exported).not.toContain(secret);
    }
    expect(exported).not.toMatch(/"(?:url\.full|http\.url)":"[^"]*\?/);
    expect(exported.toLowerCase()).not.toContain('authorization');
  });

  it('puts the request id on the access line and on the activity log lines of the same deployment', () => {
    const access = (route: string) =>
      apiLog.lines.filter((line) => line.msg === 'request' && line.route === route && line.method === 'POST');
    expect(access('/api/v1/deploy')).toEqual([expect.objectContaining({ requestId, status: 200 })]);
    expect(access('/api/v1/deploy/:id/switch')).toEqual([expect.objectContaining({ requestId: switchRequestId, status: 200 })]);
    // The SDK logs 'Activity started' before any interceptor has read the activity's headers.
    const activityLines = workerLog.lines.filter(
      (line) => line.workflowId === deploymentId && typeof line.activityType === 'string' && line.msg !== 'Activity started',
    );
    expect(activityLines.map((line) => line.activityType)).toEqual(
      expect.arrayContaining(['buildImage', 'registerTaskDefinition', 'startCodeDeploy']),
    );
    // Activities carry the id of the request that last acted on the workflow: the start, then the switch.
    const ids = (types: string[]) =>
      new Set(activityLines.filter((line) => types.includes(String(line.activityType))).map((line) => line.requestId));
    expect(ids(['buildImage', 'registerTaskDefinition', 'startCodeDeploy'])).toEqual(new Set([requestId]));
    expect(new Set(activityLines.map((line) => line.requestId))).toEqual(new Set([requestId, switchRequestId]));
  });
});
