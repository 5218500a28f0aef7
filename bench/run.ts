// `npm run bench`: Switchyard's speed and scale claims, as ratios and figures taken in one run.
//  1. Parallel distribution: six channels that each take L finish in about L, not 6 L.
//  2. Event fan-out: 100 SSE subscribers of one workflow cost about the queries of one.
//  3. Event latency: a workflow's state change (its event's `at`) → the SSE client, p50/p95,
//     and the event queries each watched workflow cost.
//  4. SSE at scale (API, SSE clients in processes of their own): 10,000 streams of one workflow,
//     one event to all of them, and the API process's RSS before, open and after close.
//  5. Slack: signed /platform-status commands (work after the ack) and /platform-deploy commands
//     (policy and durable start before the ack) to the API process, acknowledgement p50/p99.
//  6. A sandbox deployment, start → COMPLETED with the switch sent as soon as it is ready.
//     npm-start: `npm start` as a process → the first deployment COMPLETED, 3 runs (bench/npm-start.ts).
//  7. Start rates: POST /api/distribution/distribute and POST /api/v1/deploy against raw
//     client.workflow.start of the same workflow with the same input, 16 and 64 at a time.
//  8. A burst: 200 six-channel distributions posted at once, against a trivial workflow's rate.
//  9. Idle workflows: a worker process's RSS while 5,000 settled distributions wait out their window.
import { randomUUID } from 'node:crypto';
// @temporalio/proto is CommonJS: its namespaces come through the default export under ESM.
import proto from '@temporalio/proto';
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { CHANNEL_TYPES } from '../domain/channels.js';
import { BENCH_KEY, startBenchStack } from './harness.js';
import { connectSandbox, deploySandbox } from './sandbox-deploy.js';
import { startApiProcess, startWorkerProcess, type ApiProcess } from './processes.js';
import { idleWorker, printSseFanOut, SLACK_DEPLOY, slackAcks, sseFanOut } from './separate-processes.js';
import { npmStartRun, printNpmStartRuns, type NpmStartRun } from './npm-start.js';
import { sixActivityBaseline } from './baseline.js';
import { eventLatency } from './event-latency.js';
import { burst, deployStartRates, distributionStartRates, ratioSpread } from './starts.js';
import { DocTables, type Figure } from './docs-tables.js';

// BENCH_ROWS=scale: the cluster row, heavy (a two-node cluster, thousands of workflows), only on request.
const requested = process.env.BENCH_ROWS?.split(',').map((row) => row.trim());
if (requested?.includes('scale')) await (await import('./scale.js')).scaleRow();
if (requested?.every((row) => row === 'scale')) process.exit(0);

const stack = await startBenchStack();
const headers = { 'content-type': 'application/json', authorization: `Bearer ${BENCH_KEY}` };
const CONTENT = Object.fromEntries(
  ['wooridongneTV', 'ringoBiz', 'genieTV', 'instagram', 'naverBlog', 'kakaoChannel'].map((k) => [k, `https://cdn.example.com/${k}.jpg`]),
);

/** One distribution through an API that answers when it has settled: the request's time is the distribution's. */
async function distribute(api: ApiProcess, channels: string[], latencyMs: number): Promise<number> {
  const started = performance.now();
  const res = await fetch(`${api.url}/api/distribution/distribute`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      eventId: `bench-${randomUUID().slice(0, 8)}`,
      channels: channels.map((type) => ({ type, config: { latencyMs, caption: `#processing-${latencyMs}` } })),
      contentUrls: CONTENT,
    }),
  });
  const body = (await res.json()) as { status: string; eventId: string };
  if (body.status !== 'COMPLETED') throw new Error(`distribution ended ${body.status}`);
  const ms = performance.now() - started;
  if (process.env.BENCH_TIMELINE) await printTimeline(`dist-${body.eventId}`, ms);
  return ms;
}

/** BENCH_TIMELINE=1: where a distribution's time went, from its history's event times. */
async function printTimeline(workflowId: string, requestMs: number): Promise<void> {
  const events = (await stack.client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
  const t0 = Number(events[0]?.eventTime?.seconds ?? 0) * 1000 + (events[0]?.eventTime?.nanos ?? 0) / 1e6;
  const line = events.map((e) => {
    const t = Number(e.eventTime?.seconds ?? 0) * 1000 + (e.eventTime?.nanos ?? 0) / 1e6 - t0;
    const type = String(proto.temporal.api.enums.v1.EventType[e.eventType ?? 0])
      .replace('EVENT_TYPE_', '')
      .toLowerCase();
    const name = e.activityTaskScheduledEventAttributes?.activityType?.name ?? '';
    return `${t.toFixed(0)} ${type}${name ? `(${name})` : ''}`;
  });
  console.log(`  timeline ${workflowId} (request ${requestMs.toFixed(0)} ms): ${line.join(' | ')}`);
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
    method: 'POST',
    headers,
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
  const connections = await connectSandbox(call);
  const started = performance.now();
  const id = await deploySandbox(call, connections);
  for (let switched = false; ;) {
    const status = (await call('GET', `/api/v1/deploy/${id}/result`)).data?.status;
    if (status === 'COMPLETED') return (performance.now() - started) / 1000;
    if (status === 'FAILED' || status === 'ROLLED_BACK') throw new Error(`sandbox deployment ended ${status}`);
    if (status === 'DEPLOYMENT_READY' && !switched) switched = (await call('POST', `/api/v1/deploy/${id}/switch`)).code === 200;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const size = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
// BENCH_ROWS=sse,slack runs only those rows (names below); all of them by default.
const only = process.env.BENCH_ROWS?.split(',').map((row) => row.trim());
const want = (row: string) => !only || only.includes(row);
const processes: { stop(): Promise<void> }[] = [];
// `npm run bench -- --write-docs`: also rewrite the measured rows' tables in docs/performance.md.
const docs = new DocTables();
const ms = (x: number) => `${Math.round(x)} ms`;

console.log(
  'Machine: %d CPUs (%s), %s GiB memory, Node %s, ulimit -n %s',
  cpus().length,
  cpus()[0]?.model.trim() ?? '?',
  (totalmem() / 2 ** 30).toFixed(1),
  process.version,
  openFilesLimit(),
);

try {
  if (want('parallel')) {
    // The API (answering when a distribution has settled) and the worker in processes of their own.
    const taskQueue = 'bench-parallel';
    const worker = await startWorkerProcess(stack, taskQueue, stack.client);
    const api = await startApiProcess(stack, taskQueue, BENCH_KEY, { DISTRIBUTION_SYNC_WAIT_MS: '30000' });
    processes.push(worker, api);
    const latencyMs = 1000;
    await distribute(api, [...CHANNEL_TYPES], 50); // warm-up: bundles, connections, caches
    const ones: number[] = [];
    const sixes: number[] = [];
    if (process.env.BENCH_EACH_CHANNEL)
      for (const type of CHANNEL_TYPES) console.log('  alone: %s %s ms', type, (await distribute(api, [type], latencyMs)).toFixed(0));
    for (let run = 0; run < 3; run += 1) {
      ones.push(await distribute(api, ['NAVER_BLOG'], latencyMs));
      sixes.push(await distribute(api, [...CHANNEL_TYPES], latencyMs));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    console.log('\nParallel distribution (each channel takes ~%d ms; API and worker processes; median of 3, interleaved):', latencyMs);
    console.log('  one channel           %s ms   (%s)', median(ones).toFixed(0), ones.map((x) => x.toFixed(0)).join(', '));
    console.log('  six channels          %s ms   (%s)', median(sixes).toFixed(0), sixes.map((x) => x.toFixed(0)).join(', '));
    console.log('  six / one             %s   (1.0 = perfectly parallel, 6.0 = sequential)', (median(sixes) / median(ones)).toFixed(2));
    docs.record('parallel', [
      {
        figure: `six equal channels / one channel (${latencyMs / 1000} s each, median of 3)`,
        measured: (median(sixes) / median(ones)).toFixed(2),
        goal: '≤ 1.15',
      },
    ]);
    await api.stop();
    await worker.stop();
  }

  if (want('fanout')) {
    const queries1 = await fanOut(1);
    const queries100 = await fanOut(100);
    console.log('\nSSE fan-out on one workflow (shared poller):');
    console.log('  queries, 1 subscriber     %d', queries1);
    console.log('  queries, 100 subscribers  %d', queries100);
    console.log('  ratio                     %s   (1.0 = no growth with subscribers)', (queries100 / Math.max(queries1, 1)).toFixed(2));
    docs.record('fanout', [
      { figure: 'event queries, 100 subscribers / 1 subscriber', measured: (queries100 / Math.max(queries1, 1)).toFixed(2), goal: '1.00' },
    ]);
  }

  if (want('latency')) {
    // worker/main.ts and api/main.ts in processes of their own, on a task queue of their own.
    const taskQueue = 'bench-latency';
    const worker = await startWorkerProcess(stack, taskQueue, stack.client);
    // POST /distribute answers at once (202): the clients then watch the distribution live.
    const api = await startApiProcess(stack, taskQueue, BENCH_KEY, { DISTRIBUTION_SYNC_WAIT_MS: '0' });
    processes.push(worker, api);
    const concurrent = size('BENCH_LATENCY_WORKFLOWS', 10);
    const rounds = size('BENCH_LATENCY_ROUNDS', 3);
    const latency = await eventLatency(api, BENCH_KEY, concurrent, rounds);
    console.log(
      '\nEvent latency, state change → SSE client (%d six-channel distributions at once, %d rounds, one client each; API and worker processes):',
      concurrent,
      rounds,
    );
    console.log(
      '  p50 %d ms   p95 %d ms   max %d ms   (%d changes after subscribing)   event queries per workflow %s',
      latency.p50,
      latency.p95,
      latency.max,
      latency.samples,
      latency.queriesPerWorkflow.toFixed(1),
    );
    docs.record('latency', [
      {
        figure: `state change → SSE client p95, ${concurrent} distributions at once`,
        measured: `${ms(latency.p95)} (p50 ${ms(latency.p50)})`,
        goal: '≤ 250 ms',
      },
      {
        figure: 'event queries per six-channel distribution',
        measured: latency.queriesPerWorkflow.toFixed(1),
        goal: 'no more than polling',
      },
    ]);
    await api.stop();
    await worker.stop();
  }
  console.log();

  if (want('sse') || want('slack') || want('slack-deploy')) {
    // The production API entry in a process of its own, on the bench's server and worker.
    // The worker's data folder: the deployments Slack starts read their connections there.
    // The bench's one key stands for 10,000 viewers: it gets their budget, configured as an
    // operator would for such a client (the defaults bound one real client: 200 streams, 1200 reads a minute).
    const sseStreams = size('BENCH_SSE_STREAMS', 10_000);
    const api = await startApiProcess(stack, stack.taskQueue, BENCH_KEY, {
      SWITCHYARD_DATA_DIR: stack.dataDir,
      SWITCHYARD_SSE_STREAMS_PER_KEY: String(sseStreams + 100),
      SWITCHYARD_RATE_LIMIT_READS: '0',
    });
    processes.push(api);
    if (want('sse')) {
      const fan = await sseFanOut(api, BENCH_KEY, sseStreams);
      printSseFanOut(fan);
      const perThousand = (fan.opened.rss - fan.base.rss) / 2 ** 20 / (fan.streams / 1000);
      docs.record('sse', [
        {
          figure: `one event → last of ${fan.streams.toLocaleString('en')} streams`,
          measured: `${((fan.event.lagsMs.at(-1) ?? NaN) / 1000).toFixed(2)} s`,
          goal: '≤ 0.5 s',
        },
        { figure: 'API RSS per 1,000 open streams, after GC', measured: `${perThousand.toFixed(1)} MiB`, goal: '≤ 25 MiB' },
        {
          figure: `connecting ${fan.streams.toLocaleString('en')} subscribers of one workflow`,
          measured: `${(fan.open.ms / 1000).toFixed(1)} s, ${fan.queriesWhileConnecting} event queries`,
          goal: 'as fast as WebSockets',
        },
      ]);
    }
    if (want('slack')) {
      const commands = size('BENCH_SLACK_COMMANDS', 500);
      const concurrency = size('BENCH_SLACK_CONCURRENCY', 8);
      const acks = await slackAcks(api, commands, concurrency);
      console.log('Slack: %d signed /platform-status commands to the API process, %d in flight:', commands, concurrency);
      console.log(
        '  acknowledgement p50 %d ms   p99 %d ms   max %d ms   (goal p99 < 500; Slack gives up at 3 s)',
        Math.round(acks.p50),
        Math.round(acks.p99),
        Math.round(acks.max),
      );
      console.log(
        '  not acknowledged with 200: %d; replies posted to response_url afterwards: %d of %d\n',
        acks.non200,
        acks.worked,
        commands,
      );
      docs.record('slack', [
        { figure: `\`/platform-status\` ack p99, ${commands} commands ${concurrency} at a time`, measured: ms(acks.p99), goal: '< 500 ms' },
      ]);
    }
    if (want('slack-deploy')) {
      const commands = size('BENCH_SLACK_COMMANDS', 500);
      const concurrency = size('BENCH_SLACK_CONCURRENCY', 8);
      const acks = await slackAcks(api, commands, concurrency, SLACK_DEPLOY);
      console.log(
        'Slack: %d signed /platform-deploy commands to the API process, %d in flight (policy checked and the admission update-with-start durable before each ack; one starts, the rest are refused as the service is busy):',
        commands,
        concurrency,
      );
      console.log(
        '  acknowledgement p50 %d ms   p99 %d ms   max %d ms   (goal p99 < 1000; Slack gives up at 3 s)',
        Math.round(acks.p50),
        Math.round(acks.p99),
        Math.round(acks.max),
      );
      console.log('  not acknowledged as decided: %d; answers: %s\n', acks.non200, JSON.stringify(acks.answers));
      docs.record('slack-deploy', [
        {
          figure: `\`/platform-deploy\` ack p50 / p99 / max, ${commands} commands ${concurrency} at a time`,
          measured: `${Math.round(acks.p50)} / ${Math.round(acks.p99)} / ${Math.round(acks.max)} ms, ${acks.non200} undecided`,
          goal: 'p99 < 1 s',
        },
      ]);
    }
    await api.stop();
  }

  if (want('deployment')) {
    const seconds = await sandboxDeployment();
    console.log('Sandbox deployment, POST /deploy → COMPLETED (switched when ready, DEPLOY_POLL_MS %d):', stack.pollMs);
    console.log('  seconds                   %s\n', seconds.toFixed(1));
    docs.record('deployment', [
      { figure: '`POST /deploy` → `COMPLETED`, switched when ready', measured: `${seconds.toFixed(1)} s`, goal: '≤ 8 s' },
    ]);
  }

  if (want('npm-start')) {
    // Its own processes and dev server; this stack idles meanwhile.
    const runs: NpmStartRun[] = [];
    for (let i = 0; i < 3; i += 1) runs.push(await npmStartRun());
    printNpmStartRuns(runs);
    const spread = (pick: (r: NpmStartRun) => number, digits = 1) => {
      const xs = runs.map(pick).sort((a, b) => a - b);
      return `${xs[Math.floor(xs.length / 2)]!.toFixed(digits)} (${xs[0]!.toFixed(digits)}–${xs.at(-1)!.toFixed(digits)})`;
    };
    docs.record('npm-start', [
      { figure: '`npm start` → banner, s (median, min–max of 3)', measured: spread((r) => r.startupS), goal: '' },
      { figure: 'deploy → `DEPLOYMENT_READY`, s', measured: spread((r) => r.readyS), goal: '' },
      { figure: 'switch → `COMPLETED`, s', measured: spread((r) => r.completedS), goal: '' },
      { figure: 'total, s', measured: spread((r) => r.totalS), goal: '≤ 8 s' },
      { figure: 'deployment history events', measured: spread((r) => r.historyEvents, 0), goal: '< 150' },
    ]);
  }

  if (want('burst')) {
    const result = await burst(stack, size('BENCH_BURST', 200));
    console.log(
      'Burst: %d six-channel distributions posted at once (answering at once), against %d worker probes (one activity each) at once:',
      result.count,
      result.count,
    );
    console.log(
      '  non-2xx answers %d (goal 0); distributions not COMPLETED %d (%s); probe non-200 %d',
      result.non2xx,
      result.notCompleted,
      Object.entries(result.outcomes)
        .filter(([, n]) => n > 0)
        .map(([status, n]) => `${status} ${n}`)
        .join(', '),
      result.probeNon2xx,
    );
    console.log(
      '  distributions completed %s/s   probes completed %s/s   ratio %s   (6 activities each against 1)\n',
      result.distributionsPerSecond.toFixed(1),
      result.probesPerSecond.toFixed(1),
      (result.distributionsPerSecond / result.probesPerSecond).toFixed(2),
    );
    docs.record('burst', [
      {
        figure: `${result.count} six-channel distributions at once: non-2xx, not completed`,
        measured: `${result.non2xx}, ${result.notCompleted}`,
        goal: '0 errors',
      },
      {
        figure: 'distributions/s vs one-activity probes/s',
        measured: `${result.distributionsPerSecond.toFixed(1)} / ${result.probesPerSecond.toFixed(1)} (${(result.distributionsPerSecond / result.probesPerSecond).toFixed(2)})`,
        goal: '≥ 0.8',
      },
    ]);
  }

  if (want('baseline')) {
    const total = size('BENCH_BASELINE', 100);
    const concurrency = size('BENCH_BASELINE_CONCURRENCY', 16);
    const runs = await sixActivityBaseline(stack, total, concurrency);
    console.log(
      'Baseline: six-channel distributions (settled, then closed) against a workflow of six parallel no-op activities, same server and in-process worker, %d a side, %d at a time (3 runs, alternating which goes first):',
      total,
      concurrency,
    );
    const cpu = (d?: number, b?: number) => (d === undefined || b === undefined ? '–' : `${d.toFixed(0)} / ${b.toFixed(0)} ms`);
    for (const r of runs)
      console.log(
        '  distributions %s/s   six no-ops %s/s   ratio %s   not completed %d   CPU per workflow %s (dev server %s)',
        r.distributions.toFixed(1),
        r.baseline.toFixed(1),
        (r.distributions / r.baseline).toFixed(2),
        r.failed,
        cpu(r.distributionCpuMs, r.baselineCpuMs),
        cpu(r.distributionServerCpuMs, r.baselineServerCpuMs),
      );
    const spread = ratioSpread(runs.map((r) => ({ api: r.distributions, raw: r.baseline, apiNon2xx: 0 })));
    console.log('  ratio, min / median / max   %s   (goal ≥ 0.8)', spread);
    // The same ratio from CPU time (no-op CPU per workflow ÷ distribution CPU per workflow): what
    // the rates would say on a machine nothing else loads.
    const cpuRuns = runs.filter((r) => r.distributionCpuMs !== undefined && r.baselineCpuMs !== undefined);
    const cpuSpread = cpuRuns.length
      ? ratioSpread(cpuRuns.map((r) => ({ api: r.baselineCpuMs!, raw: r.distributionCpuMs!, apiNon2xx: 0 })))
      : '–';
    const serverSpread = cpuRuns.length
      ? ratioSpread(cpuRuns.map((r) => ({ api: r.baselineServerCpuMs!, raw: r.distributionServerCpuMs!, apiNon2xx: 0 })))
      : '–';
    console.log('  CPU ratio, min / median / max   %s   (dev server alone %s)\n', cpuSpread, serverSpread);
    docs.record('baseline', [
      {
        figure: `six-channel distributions/s ÷ six-no-op workflows/s (min / median / max, ${total} a side, ${concurrency} at a time)`,
        measured: spread,
        goal: '≥ 0.8',
      },
      { figure: 'the same from CPU time: six-no-op CPU per workflow ÷ distribution CPU per workflow', measured: cpuSpread, goal: '≥ 0.8' },
      { figure: 'the same, dev server CPU alone (the engine)', measured: serverSpread, goal: '–' },
    ]);
  }

  if (want('starts')) {
    const total = size('BENCH_STARTS', 200);
    const figures: Figure[] = [];
    for (const concurrency of [16, 64]) {
      const runs = await distributionStartRates(stack, total, concurrency);
      console.log(
        'Start rate, POST /api/distribution/distribute (answering at once) vs raw start, %d at a time (%d starts per run, 3 runs a side, interleaved, alternating which goes first):',
        concurrency,
        total,
      );
      for (const { api, raw, apiNon2xx } of runs)
        console.log('  POST /distribute %s/s   raw start %s/s   non-2xx %d', api.toFixed(1), raw.toFixed(1), apiNon2xx);
      console.log(
        '  API / raw, min / median / max   %s   (1.0 = the API starts at engine speed); non-2xx in all: %d (goal 0)\n',
        ratioSpread(runs),
        runs.reduce((n, r) => n + r.apiNon2xx, 0),
      );
      figures.push({
        figure: `\`POST /distribute\` / raw start, ${concurrency} at a time (min / median / max of 3)`,
        measured: `${ratioSpread(runs)}, ${runs.reduce((n, r) => n + r.apiNon2xx, 0)} non-2xx`,
        goal: '≥ 0.9, 0 errors',
      });
    }
    docs.record('starts', figures);
  }

  if (want('deploy-starts')) {
    const total = size('BENCH_DEPLOY_STARTS', 100);
    const figures: Figure[] = [];
    for (const concurrency of [16, 64]) {
      const runs = await deployStartRates(stack, total, concurrency);
      console.log(
        'Start rate, POST /api/v1/deploy (a service of its own each) vs raw start of deploymentWorkflow and vs raw update-with-start of the admission the API sends, %d at a time (%d starts per run, 3 runs a side, interleaved, rotating which goes first):',
        concurrency,
        total,
      );
      for (const { api, raw, admission, apiNon2xx } of runs)
        console.log(
          '  POST /deploy %s/s   raw start %s/s   raw admission update-with-start %s/s   non-200 %d',
          api.toFixed(1),
          raw.toFixed(1),
          admission.toFixed(1),
          apiNon2xx,
        );
      console.log('  API / raw start, min / median / max                 %s   (1.0 = admission costs nothing)', ratioSpread(runs));
      console.log(
        "  API / raw admission update-with-start, min / median / max   %s   (1.0 = the API adds nothing to the engine's admission)\n",
        ratioSpread(runs.map((r) => ({ ...r, raw: r.admission }))),
      );
      figures.push(
        {
          figure: `\`POST /deploy\` / raw start, ${concurrency} at a time (min / median / max)`,
          measured: ratioSpread(runs),
          goal: '≥ 0.9',
        },
        {
          figure: `\`POST /deploy\` / raw admission update-with-start, ${concurrency} at a time`,
          measured: ratioSpread(runs.map((r) => ({ ...r, raw: r.admission }))),
          goal: '1.0',
        },
      );
    }
    docs.record('deploy-starts', figures);
  }

  if (want('idle')) {
    const total = size('BENCH_IDLE_DISTRIBUTIONS', 5000);
    const first = Math.min(1000, Math.round(total / 5));
    const taskQueue = 'bench-idle';
    // worker/main.ts in its own process, on a task queue of its own: its RSS is its workflows'.
    const worker = await startWorkerProcess(stack, taskQueue, stack.client);
    processes.push(worker);
    const { samples, seconds } = await idleWorker(worker, stack.client, taskQueue, total, [first, Math.round(total / 2), total]);
    console.log(
      'Idle workflows: %d one-channel distributions settled and left open (hour-long retry window), worker process alone (cache %d workflows), %s s:',
      total,
      stack.maxCachedWorkflows,
      seconds.toFixed(0),
    );
    for (const { count, rssMiB, heapMiB } of samples)
      console.log(
        '  after %s   worker RSS %s MiB   heap %s MiB  (after a full GC)',
        String(count).padStart(5),
        rssMiB.toFixed(0),
        heapMiB.toFixed(0),
      );
    const at = (count: number) => samples.find((sample) => sample.count === count)!;
    // Once the cache is full, more idle workflows should cost no more memory.
    console.log(
      '  RSS at %d / at %d            %s   (1.00 = idle workflows cost nothing once the cache is full)\n',
      total,
      first,
      (at(total).rssMiB / at(first).rssMiB).toFixed(2),
    );
    docs.record('idle', [
      {
        figure: `worker RSS after ${samples.map((x) => x.count.toLocaleString('en')).join(' / ')} settled distributions`,
        measured: `${samples.map((x) => x.rssMiB.toFixed(0)).join(' / ')} MiB`,
        goal: 'flat',
      },
      {
        figure: `RSS at ${total.toLocaleString('en')} / at ${first.toLocaleString('en')}`,
        measured: (at(total).rssMiB / at(first).rssMiB).toFixed(2),
        goal: '1.00',
      },
    ]);
    await worker.stop();
  }
} finally {
  for (const child of processes) await child.stop();
  await stack.stop();
}
if (process.argv.includes('--write-docs'))
  console.log('docs/performance.md: rewrote the tables of %s', docs.write().join(', ') || 'no row');

function openFilesLimit(): string {
  try {
    return /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'))?.[1] ?? '?';
  } catch {
    return '?';
  }
}
