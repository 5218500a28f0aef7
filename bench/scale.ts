// The scale row (BENCH_ROWS=scale): Switchyard on the two-node Temporal cluster (the cluster
// harness of test/cluster), with the sandbox emulators, two worker processes and one API process,
// as in production. It holds deployments at the gate with their watched holds running and
// distributions waiting for a scheduled time, and reports the workers' RSS at two sizes, the p95
// of GET /result and of SSE event latency while held, and the heartbeat rate the server records.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { blueGreenUrls } from '../emulators/aws/index.js';
import { addSandboxConnections, stackEnv, startSandboxProcess } from '../test/cluster/switchyard-stack.js';
import { startTemporalCluster } from '../test/cluster/temporal-cluster.js';
import type { Child } from '../test/support/processes.js';
import { writeWorkflowBundle } from '../worker/workflow-bundle.js';
import { eventLatency } from './event-latency.js';
import { freePort, startNodeProcess, type BenchProcess } from './processes.js';
import { heartbeatRate, resultLatency, scheduledDistributions, untilAtGate } from './scale-measures.js';
import { profileLine, scrape } from './scale-profile.js';

const MiB = 2 ** 20;
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const size = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

export async function scaleRow(): Promise<void> {
  const total = size('BENCH_SCALE_DEPLOYMENTS', 1000);
  const first = size('BENCH_SCALE_FIRST', Math.min(100, Math.max(1, Math.round(total / 10))));
  const distributions = size('BENCH_SCALE_DISTRIBUTIONS', 10_000);
  const watchSeconds = size('BENCH_SCALE_WATCH_SECONDS', 10);
  const id = randomUUID().slice(0, 6);
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-bench-scale-'));
  const apiKey = `bench-scale-${randomBytes(12).toString('hex')}`;
  const encryptionKey = randomBytes(32).toString('base64');
  const serviceName = `scale-${id}`;
  const children: Child[] = [];
  const processes: BenchProcess[] = [];
  const began = Date.now();
  const cluster = await startTemporalCluster({ logLevel: 'error' });
  try {
    // Prebuilt, as in the image: the two workers do not each bundle on the shared cores.
    const bundlePath = join(dir, 'workflow-bundle.js');
    await writeWorkflowBundle(bundlePath);
    await cluster.createDatabase('switchyard');
    const databaseUrl = cluster.databaseUrl('switchyard');
    const apiPort = await freePort();
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    const env = await startSandboxProcess(children, {
      dir,
      serviceName,
      services: total,
      hookUrls: [`${apiUrl}/api/v1/hooks/codedeploy`],
      timeoutMs: 120_000,
      // A thousand builds from one token, as a GitHub App installation on Enterprise Cloud has it:
      // a user's 5,000 an hour would hold a third of them at the rate limit until its reset.
      githubRateLimit: 15_000,
    });
    const { githubConnectionId, awsConnectionId } = await addSandboxConnections(databaseUrl, encryptionKey, env);
    const taskQueue = `bench-scale-${id}`;
    const processEnv: Record<string, string> = {
      ...stackEnv(env, { cluster, taskQueue, databaseUrl, encryptionKey, apiKey, bundlePath }),
      // Every deployment's gate watched (never breached: any error rate is tolerated), open for hours.
      DEPLOY_APPROVAL_POLICIES: JSON.stringify({ default: { watch: { intervalSeconds: watchSeconds, maxErrorRate: 1 } } }),
      DEPLOY_SWITCH_TIMEOUT_SECONDS: '14400',
      DEPLOY_TOTAL_TIMEOUT_SECONDS: '14400',
      LOG_LEVEL: 'error',
      // One bench key stands for many users: no per-key budgets.
      SWITCHYARD_RATE_LIMIT_READS: '0',
      SWITCHYARD_RATE_LIMIT_WRITES: '0',
      SWITCHYARD_RATE_LIMIT_STARTS: '0',
      SWITCHYARD_SSE_STREAMS_PER_KEY: '10000',
    };
    const workerMetricsPorts = [await freePort(), await freePort()];
    const workerMetricsUrls = workerMetricsPorts.map((port) => `http://127.0.0.1:${port}/metrics`);
    const workers = [1, 2].map((n) =>
      startNodeProcess(
        here('../worker/main.ts'),
        { ...processEnv, SWITCHYARD_DATA_DIR: join(dir, `worker-${n}`), WORKER_METRICS_ADDRESS: `127.0.0.1:${workerMetricsPorts[n - 1]}` },
        process.env.BENCH_WORKER_NODE_ARGS?.split(' ').filter(Boolean) ?? [],
      ),
    );
    const api = startNodeProcess(here('../api/main.ts'), {
      ...processEnv,
      PORT: String(apiPort),
      HOST: '127.0.0.1',
      SWITCHYARD_DATA_DIR: join(dir, 'api'),
    });
    processes.push(...workers, api);
    for (
      const deadline = Date.now() + 120_000;
      !(await fetch(`${apiUrl}/healthz`).then(
        (r) => r.ok,
        () => false,
      ));
    ) {
      if (Date.now() > deadline || api.child.exitCode !== null) throw new Error(`the API process did not come up: ${api.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const connection = await Connection.connect({ address: cluster.failoverAddress });
    const client = new Client({ connection, namespace: cluster.namespace });
    const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
    const deploymentIds: string[] = [];
    let deployRetries = 0;
    let admissionsUnanswered = 0;
    const deploy = async (from: number, to: number) => {
      let next = from;
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          while (next < to) {
            const i = next++;
            const service = `${serviceName}-${i + 1}`;
            const target = {
              service,
              codeDeployApplication: `panda-app-${i + 1}`,
              codeDeployGroup: `panda-dg-${i + 1}`,
              ...blueGreenUrls(env.SWITCHYARD_AWS_ENDPOINT!, env.DEPLOY_CLUSTER!, service),
            };
            const post = () =>
              fetch(`${apiUrl}/api/v1/deploy`, {
                method: 'POST',
                headers,
                body: JSON.stringify({
                  githubConnectionId,
                  awsConnectionId,
                  owner: env.SANDBOX_GITHUB_OWNER,
                  repo: env.SANDBOX_GITHUB_REPO,
                  branch: 'main',
                  version: 'v1.2.3',
                  target,
                }),
              });
            // A 503 without an id says nothing was changed: try again (Temporal slow on loaded cores).
            // One naming an id says its admission did not answer in time: it may still start.
            let res = await post();
            let body = (await res.json()) as { data?: { deploymentId?: string }; deploymentId?: string };
            for (let attempt = 1; res.status === 503 && !body.deploymentId && attempt <= 5; attempt += 1) {
              deployRetries += 1;
              await new Promise((resolve) => setTimeout(resolve, 1000 * attempt));
              res = await post();
              body = (await res.json()) as typeof body;
            }
            if (res.status === 503 && body.deploymentId) admissionsUnanswered += 1;
            const deploymentId = body.data?.deploymentId ?? (res.status === 503 ? body.deploymentId : undefined);
            if (!deploymentId) throw new Error(`deploy ${service} answered ${res.status}: ${JSON.stringify(body)}`);
            deploymentIds.push(deploymentId);
          }
        }),
      );
    };
    const rss = async () => (await Promise.all(workers.map((w) => w.memory()))).map((m) => m.rss / MiB);
    const load = () =>
      loadavg()
        .map((l) => l.toFixed(1))
        .join(' ');
    const lines: string[] = [];
    // Reads and heartbeats are of held deployments only: one that ended before the gate is reported, not read.
    let ended = new Set<string>();
    const held = () => deploymentIds.filter((id) => !ended.has(id));
    const checkpoint = async (label: string) => {
      const [a, b] = await rss();
      const beforeResult = await scrape(apiUrl, workerMetricsUrls);
      const result = await resultLatency(apiUrl, headers, held(), size('BENCH_SCALE_RESULT_READS', 200));
      const beforeSse = await scrape(apiUrl, workerMetricsUrls);
      const sse = await eventLatency({ url: apiUrl }, apiKey, size('BENCH_LATENCY_WORKFLOWS', 10), 2);
      const afterSse = await scrape(apiUrl, workerMetricsUrls);
      lines.push(
        `  ${label.padEnd(44)} worker RSS ${a!.toFixed(0)} + ${b!.toFixed(0)} MiB   GET /result p95 ${result.p95.toFixed(0)} ms (p50 ${result.p50.toFixed(0)}, ${result.non200} non-200)   SSE p95 ${sse.p95} ms (p50 ${sse.p50}, ${sse.samples} changes)   load ${load()}`,
        `    while reading /result: ${profileLine(beforeResult, beforeSse)}`,
        `    while streaming:       ${profileLine(beforeSse, afterSse)}`,
      );
      console.log(lines.slice(-3).join('\n'));
      return a! + b!;
    };

    await deploy(0, first);
    const atFirst = (await untilAtGate(apiUrl, headers, deploymentIds, size('BENCH_SCALE_STALL_SECONDS', 180))).ready;
    const rssFirst = await checkpoint(`${atFirst} of ${first} deployments at the gate`);
    await deploy(first, total);
    const gate = await untilAtGate(apiUrl, headers, deploymentIds, size('BENCH_SCALE_STALL_SECONDS', 180));
    const atTotal = gate.ready;
    ended = new Set(gate.ended.keys());
    const reasons = new Map<string, number>();
    for (const why of gate.ended.values()) reasons.set(why, (reasons.get(why) ?? 0) + 1);
    const rssTotal = await checkpoint(`${atTotal} of ${total} deployments at the gate`);
    const beats = await heartbeatRate(client, held(), size('BENCH_SCALE_HEARTBEAT_SECONDS', 60));
    const scheduled = await scheduledDistributions(client, taskQueue, distributions);
    await checkpoint(`+ ${scheduled.started} scheduled distributions`);
    await connection.close();

    console.log(
      '\nScale on the two-node cluster (PostgreSQL), two worker processes, one API process, watch every %d s; %s s in all, load %s:',
      watchSeconds,
      ((Date.now() - began) / 1000).toFixed(0),
      load(),
    );
    for (const line of lines) console.log(line);
    console.log('  worker RSS at %d / at %d held      %s   (goal ≤ 1.10)', total, first, (rssTotal / rssFirst).toFixed(2));
    console.log(
      '  heartbeats the server recorded     %s/s over %d watched holds (%d sampled for %d s; %d holds had no running watch)',
      beats.perSecond.toFixed(1),
      beats.holds,
      beats.sampled,
      beats.seconds,
      beats.notRunning,
    );
    console.log('  POST /deploy answered 503 (nothing changed) and was sent again: %d time(s)', deployRetries);
    console.log('  POST /deploy answered 503 naming an id still to be admitted: %d time(s)', admissionsUnanswered);
    console.log('  ended before the gate: %d', gate.ended.size);
    for (const [why, n] of reasons) console.log('    %d× %s', n, why);
    console.log('  %d distributions started waiting for a time 2 h out at %s/s\n', scheduled.started, scheduled.perSecond.toFixed(1));
  } finally {
    for (const p of processes) await p.stop();
    for (const c of children) if (c.child.exitCode === null) c.child.kill('SIGTERM');
    await Promise.all(children.map((c) => c.exited));
    await cluster.teardown();
    rmSync(dir, { recursive: true, force: true });
  }
}
