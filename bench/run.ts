// `npm run bench`: Switchyard's speed and scale claims, as ratios taken in one run.
//  1. Parallel distribution: six channels that each take L finish in about L, not 6 L.
//  2. Event fan-out: 100 SSE subscribers of one workflow cost about the queries of one.
//  3. A sandbox deployment, start → COMPLETED with the switch sent as soon as it is ready.
//  4. Idle workflows: process RSS while N settled distributions wait out their retry window.
//  6. Event latency: a workflow's state change (its event's `at`) → the SSE client, p50/p95,
//     and the event queries each watched workflow cost.
//  7. SSE at scale: 1,000 subscribers of one workflow over real sockets: time to connect them
//     all, event queries spent, and process RSS while open and after they close.
//  5. Start rate: POST /api/distribution/distribute (answering at once) against raw
//     client.workflow.start of the same workflow, 16 at a time, runs interleaved.
import { randomUUID } from 'node:crypto';
import { CHANNEL_TYPES } from '../domain/channels.js';
import { BENCH_KEY, startBenchStack } from './harness.js';
import { listen } from '../emulators/listen.js';
import { distributionWorkflow } from '../workflows/distribution/workflow.js';
import { SANDBOX_CREDENTIALS, SANDBOX_SERVICE } from '../emulators/sandbox.js';

const stack = await startBenchStack();
const headers = { 'content-type': 'application/json', authorization: `Bearer ${BENCH_KEY}` };
const CONTENT = Object.fromEntries(['wooridongneTV', 'ringoBiz', 'genieTV', 'instagram', 'naverBlog', 'kakaoChannel'].map((k) => [k, `https://cdn.example.com/${k}.jpg`]));

async function distribute(channels: string[], latencyMs: number): Promise<number> {
  const started = performance.now();
  const res = await stack.app.request('/api/distribution/distribute', {
    method: 'POST', headers,
    body: JSON.stringify({ eventId: `bench-${randomUUID().slice(0, 8)}`, channels: channels.map((type) => ({ type, config: { latencyMs, caption: `#processing-${latencyMs}` } })), contentUrls: CONTENT }),
  });
  const body = (await res.json()) as { status: string };
  if (body.status !== 'COMPLETED') throw new Error(`distribution ended ${body.status}`);
  return performance.now() - started;
}

async function readUntilEnd(eventId: string): Promise<void> {
  const res = await stack.liveApp.request(`/api/distribution/${eventId}/events`, { headers });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (!/event: (success|fail)/.test(text)) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value);
  }
  await reader.cancel();
}

async function fanOut(subscribers: number): Promise<number> {
  const eventId = `bench-${randomUUID().slice(0, 8)}`;
  await stack.liveApp.request('/api/distribution/distribute', {
    method: 'POST', headers,
    body: JSON.stringify({ eventId, channels: [{ type: 'NAVER_BLOG', config: { latencyMs: 2000 } }], contentUrls: CONTENT }),
  });
  const before = stack.liveApp.eventHub.queries;
  await Promise.all(Array.from({ length: subscribers }, () => readUntilEnd(eventId)));
  return stack.liveApp.eventHub.queries - before;
}

async function call(method: string, path: string, body?: unknown): Promise<{ code?: number; data?: Record<string, unknown> }> {
  const res = await stack.liveApp.request(path, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return (await res.json()) as { code?: number; data?: Record<string, unknown> };
}

/** Seconds from POST /deploy to COMPLETED in the sandbox, switching the moment it is ready. */
async function sandboxDeployment(): Promise<number> {
  const github = await call('POST', '/api/v1/connect/github', { owner: SANDBOX_SERVICE.owner, repo: SANDBOX_SERVICE.repo, branch: 'main', token: SANDBOX_CREDENTIALS.githubToken });
  const aws = await call('POST', '/api/v1/connect/aws', { region: SANDBOX_CREDENTIALS.region, accessKeyId: SANDBOX_CREDENTIALS.awsAccessKeyId, secretAccessKey: SANDBOX_CREDENTIALS.awsSecretAccessKey });
  const started = performance.now();
  const deployed = await call('POST', '/api/v1/deploy', {
    githubConnectionId: github.data?.githubConnectionId, awsConnectionId: aws.data?.awsConnectionId,
    owner: SANDBOX_SERVICE.owner, repo: SANDBOX_SERVICE.repo, branch: 'main', version: 'v1.2.3',
  });
  const id = deployed.data?.deploymentId as string;
  if (!id) throw new Error(`deploy refused: ${JSON.stringify(deployed)}`);
  for (let switched = false; ;) {
    const status = (await call('GET', `/api/v1/deploy/${id}/result`)).data?.status;
    if (status === 'COMPLETED') return (performance.now() - started) / 1000;
    if (status === 'FAILED' || status === 'ROLLED_BACK') throw new Error(`sandbox deployment ended ${status}`);
    if (status === 'DEPLOYMENT_READY' && !switched) switched = (await call('POST', `/api/v1/deploy/${id}/switch`)).code === 200;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Distributions that settle at once and then stay open, idle; RSS sampled along the way. */
async function idleDistributions(total: number): Promise<{ count: number; rssMiB: number }[]> {
  const mib = () => process.memoryUsage().rss / 2 ** 20;
  const samples: { count: number; rssMiB: number }[] = [];
  const concurrency = 16;
  let started = 0;
  let finished = 0;
  const one = async () => {
    const eventId = `idle-${randomUUID().slice(0, 12)}`;
    await stack.idleApp.request('/api/distribution/distribute', {
      method: 'POST', headers, body: JSON.stringify({ eventId, channels: [{ type: 'NAVER_BLOG', config: { text: 'idle' } }], contentUrls: CONTENT }),
    });
    const handle = stack.client.workflow.getHandle(`dist-${eventId}`);
    // Settled: the workflow now only waits out its window.
    for (;;) {
      const { overallStatus } = await handle.query<{ overallStatus: string }>('distributionSnapshot');
      if (overallStatus !== 'PENDING' && overallStatus !== 'IN_PROGRESS') return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const checkpoints = new Set([Math.round(total / 10), Math.round(total / 2), total]);
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (started < total) {
      started += 1;
      await one();
      finished += 1;
      if (checkpoints.has(finished)) samples.push({ count: finished, rssMiB: mib() });
    }
  }));
  return samples.sort((a, b) => a.count - b.count);
}

/** Starts per second of `start`, `total` of them, `concurrency` at a time. */
async function startRate(total: number, concurrency: number, start: (eventId: string) => Promise<unknown>): Promise<number> {
  let next = 0;
  const began = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < total) {
      next += 1;
      await start(`rate-${randomUUID().slice(0, 12)}`);
    }
  }));
  return total / ((performance.now() - began) / 1000);
}

const rateInput = (eventId: string) => ({
  eventId, channels: [{ type: 'NAVER_BLOG' as const, config: { text: 'rate' } }], contentUrls: CONTENT,
});

async function startRates(total: number, concurrency: number): Promise<{ api: number; raw: number }[]> {
  const runs: { api: number; raw: number }[] = [];
  for (let run = 0; run < 3; run += 1) {
    const api = await startRate(total, concurrency, async (eventId) => {
      const res = await stack.idleApp.request('/api/distribution/distribute', { method: 'POST', headers, body: JSON.stringify(rateInput(eventId)) });
      if (res.status !== 200 && res.status !== 202) throw new Error(`distribute answered ${res.status}`);
    });
    const raw = await startRate(total, concurrency, (eventId) => stack.client.workflow.start(distributionWorkflow, {
      workflowId: `dist-${eventId}`, taskQueue: stack.taskQueue,
      args: [{ ...rateInput(eventId), retryWindowMs: 3_600_000, retryBackoffMs: 100, requestedBy: 'bench' }],
    }));
    runs.push({ api, raw });
  }
  return runs;
}

/** Latency of every event of `count` six-channel distributions, each watched by one SSE client. */
async function eventLatency(count: number): Promise<{ p50: number; p95: number; queriesPerWorkflow: number }> {
  const latencies: number[] = [];
  const before = stack.liveApp.eventHub.queries;
  await Promise.all(Array.from({ length: count }, async (_, i) => {
    const eventId = `latency-${randomUUID().slice(0, 8)}`;
    await stack.liveApp.request('/api/distribution/distribute', {
      method: 'POST', headers,
      body: JSON.stringify({ eventId, channels: CHANNEL_TYPES.map((type, c) => ({ type, config: { latencyMs: 200 + 150 * ((i + c) % 6), caption: '#processing-300' } })), contentUrls: CONTENT }),
    });
    const res = await stack.liveApp.request(`/api/distribution/${eventId}/events`, { headers });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (let ended = false; !ended;) {
      const { value, done } = await reader.read();
      if (done) break;
      const now = Date.now();
      buffer += decoder.decode(value);
      const frames = buffer.split('\n\n');
      buffer = frames.pop()!;
      for (const frame of frames) {
        const data = /^data: (.*)$/m.exec(frame)?.[1];
        const at = data ? (JSON.parse(data) as { details?: unknown; at?: string }).at : undefined;
        if (at) latencies.push(now - Date.parse(at));
        if (/^event: (success|fail)$/m.test(frame)) ended = true;
      }
    }
    await reader.cancel();
  }));
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return { p50: at(0.5), p95: at(0.95), queriesPerWorkflow: (stack.liveApp.eventHub.queries - before) / count };
}

/** Opens `count` SSE streams of one running distribution over HTTP and closes them again. */
async function sseAtScale(count: number): Promise<{ connectMs: number; queries: number; openMiB: number; closedMiB: number; baseMiB: number }> {
  const served = await listen(stack.liveApp.fetch);
  const mib = () => process.memoryUsage().rss / 2 ** 20;
  try {
    const eventId = `scale-${randomUUID().slice(0, 8)}`;
    await stack.liveApp.request('/api/distribution/distribute', {
      method: 'POST', headers, body: JSON.stringify({ eventId, channels: [{ type: 'NAVER_BLOG', config: { latencyMs: 60_000 } }], contentUrls: CONTENT }),
    });
    const baseMiB = mib();
    const queriesBefore = stack.liveApp.eventHub.queries;
    const controllers: AbortController[] = [];
    const began = performance.now();
    await Promise.all(Array.from({ length: count }, async () => {
      const controller = new AbortController();
      controllers.push(controller);
      const res = await fetch(`${served.url}/api/distribution/${eventId}/events`, { headers, signal: controller.signal });
      const reader = res.body!.getReader();
      // Connected once the first frame (`connected`) arrives.
      await reader.read();
    }));
    const connectMs = performance.now() - began;
    const queries = stack.liveApp.eventHub.queries - queriesBefore;
    const openMiB = mib();
    for (const controller of controllers) controller.abort();
    await new Promise((resolve) => setTimeout(resolve, 2000));
    return { connectMs, queries, openMiB, closedMiB: mib(), baseMiB };
  } finally {
    await served.close();
  }
}

try {
  const latencyMs = 1000;
  await distribute(['NAVER_BLOG'], 50); // warm-up: bundles, connections
  const one = await distribute(['NAVER_BLOG'], latencyMs);
  const six = await distribute([...CHANNEL_TYPES], latencyMs);
  console.log('\nParallel distribution (each channel takes ~%d ms):', latencyMs);
  console.log('  one channel           %s ms', one.toFixed(0));
  console.log('  six channels          %s ms', six.toFixed(0));
  console.log('  six / one             %s   (1.0 = perfectly parallel, 6.0 = sequential)', (six / one).toFixed(2));

  const queries1 = await fanOut(1);
  const queries100 = await fanOut(100);
  console.log('\nSSE fan-out on one workflow (shared poller):');
  console.log('  queries, 1 subscriber     %d', queries1);
  console.log('  queries, 100 subscribers  %d', queries100);
  console.log('  ratio                     %s   (1.0 = no growth with subscribers)\n', (queries100 / Math.max(queries1, 1)).toFixed(2));

  const latency = await eventLatency(Number(process.env.BENCH_LATENCY_WORKFLOWS ?? 10));
  console.log('Event latency, state change → SSE client (six-channel distributions, one client each):');
  console.log('  p50 %d ms   p95 %d ms   event queries per workflow %s\n', latency.p50, latency.p95, latency.queriesPerWorkflow.toFixed(1));

  const scale = await sseAtScale(Number(process.env.BENCH_SSE_STREAMS ?? 1000));
  console.log('SSE at scale: %d subscribers of one workflow over HTTP:', Number(process.env.BENCH_SSE_STREAMS ?? 1000));
  console.log('  all connected in %d ms, with %d event queries', Math.round(scale.connectMs), scale.queries);
  console.log('  process RSS %d MiB before, %d MiB open (+%d), %d MiB 2 s after all closed\n', Math.round(scale.baseMiB), Math.round(scale.openMiB), Math.round(scale.openMiB - scale.baseMiB), Math.round(scale.closedMiB));

  const seconds = await sandboxDeployment();
  console.log('Sandbox deployment, POST /deploy → COMPLETED (switched when ready, DEPLOY_POLL_MS %d):', stack.pollMs);
  console.log('  seconds                   %s\n', seconds.toFixed(1));
  const idle = Number(process.env.BENCH_IDLE_DISTRIBUTIONS ?? 1000);
  const samples = await idleDistributions(idle);
  console.log('Idle workflows: %d settled distributions left open (worker cache %d workflows):', idle, stack.maxCachedWorkflows);
  for (const { count, rssMiB } of samples) console.log('  after %s   process RSS %s MiB', String(count).padStart(5), rssMiB.toFixed(0));
  // Once the cache is full, more idle workflows should cost no more memory.
  const half = samples.find((sample) => sample.count === Math.round(idle / 2))!;
  console.log('  RSS at %d / at %d            %s   (1.00 = idle workflows cost nothing once the cache is full)\n', idle, half.count, (samples.at(-1)!.rssMiB / half.rssMiB).toFixed(2));

  const rates = await startRates(Number(process.env.BENCH_STARTS ?? 200), 16);
  const ratios = rates.map((r) => r.api / r.raw).sort((a, b) => a - b);
  console.log('Start rate, 16 at a time (%d starts per run, 3 runs interleaved):', Number(process.env.BENCH_STARTS ?? 200));
  for (const { api, raw } of rates) console.log('  POST /distribute %s/s   raw start %s/s', api.toFixed(1), raw.toFixed(1));
  console.log('  API / raw, min / median / max   %s / %s / %s   (1.0 = the API starts at engine speed)\n', ...ratios.map((r) => r.toFixed(2)));

} finally {
  await stack.stop();
}
