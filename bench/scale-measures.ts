// The scale row's measures: deployments reaching the gate, GET /result latency, the heartbeat
// rate the server records for the watched holds, and distributions waiting for a scheduled time.
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { DistributionEventId, SwitchyardKind, SwitchyardStatus } from '../common/search-attributes.js';
import { distributionWorkflow } from '../workflows/distribution/workflow.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
type Headers = Record<string, string>;

/** `work(i)` for 0 ≤ i < n, `concurrency` at a time. */
async function pool(n: number, concurrency: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, n) }, async () => {
      while (next < n) await work(next++);
    }),
  );
}

const result = async (apiUrl: string, headers: Headers, id: string) =>
  (
    (await (await fetch(`${apiUrl}/api/v1/deploy/${id}/result`, { headers })).json().catch(() => null)) as {
      data?: { status?: string; errorCode?: string | null; errorMessage?: string | null };
    } | null
  )?.data;

/**
 * Polls until every deployment is at the gate (DEPLOYMENT_READY) or ended, or none got there for
 * `stallSeconds`. Those that ended before the gate are reported with their reason, not hidden:
 * at scale on loaded cores some do, and the row says how many and why.
 */
export async function untilAtGate(
  apiUrl: string,
  headers: Headers,
  ids: string[],
  stallSeconds: number,
): Promise<{ ready: number; ended: Map<string, string> }> {
  const ready = new Set<string>();
  const ended = new Map<string, string>();
  let lastProgress = Date.now();
  while (ready.size + ended.size < ids.length && Date.now() - lastProgress < stallSeconds * 1000) {
    const open = ids.filter((id) => !ready.has(id) && !ended.has(id));
    const before = ready.size + ended.size;
    await pool(open.length, 8, async (i) => {
      const r = await result(apiUrl, headers, open[i]!);
      if (r?.status === 'DEPLOYMENT_READY') ready.add(open[i]!);
      if (r?.status === 'FAILED' || r?.status === 'ROLLED_BACK' || r?.status === 'COMPLETED')
        ended.set(open[i]!, `${r.status} ${r.errorCode ?? ''}: ${(r.errorMessage ?? '').slice(0, 160)}`);
    });
    if (ready.size + ended.size > before) lastProgress = Date.now();
    if (ready.size + ended.size < ids.length) await sleep(2000);
  }
  return { ready: ready.size, ended };
}

/** `reads` GET /result of held deployments, picked round-robin, 8 at a time: p50, p95 (ms). */
export async function resultLatency(
  apiUrl: string,
  headers: Headers,
  ids: string[],
  reads: number,
): Promise<{ p50: number; p95: number; non200: number }> {
  const times: number[] = [];
  let non200 = 0;
  await pool(reads, 8, async (i) => {
    const began = performance.now();
    const res = await fetch(`${apiUrl}/api/v1/deploy/${ids[(i * 7919) % ids.length]}/result`, { headers });
    await res.arrayBuffer();
    times.push(performance.now() - began);
    if (res.status !== 200) non200 += 1;
  });
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? NaN;
  return { p50: at(0.5), p95: at(0.95), non200 };
}

/**
 * Heartbeats the server recorded: each sampled hold's watch activity, described every 2 s for
 * `seconds`; every new lastHeartbeatTime is a heartbeat that reached the server. Scaled from the
 * sample to every hold whose watch runs.
 */
export async function heartbeatRate(
  client: Client,
  ids: string[],
  seconds: number,
): Promise<{ perSecond: number; holds: number; sampled: number; seconds: number; notRunning: number }> {
  const sample = ids.slice(0, Math.min(ids.length, 50));
  const seen = new Map<string, Set<number>>(sample.map((id) => [id, new Set()]));
  const running = new Set<string>();
  for (const end = Date.now() + seconds * 1000; Date.now() < end; await sleep(2000)) {
    await pool(sample.length, 8, async (i) => {
      const id = sample[i]!;
      const description = await client.workflow
        .getHandle(id)
        .describe()
        .catch(() => undefined);
      const watch = description?.raw.pendingActivities?.find((a) => a.activityType?.name === 'watchGreen');
      const beat = watch?.lastHeartbeatTime;
      if (!beat) return;
      running.add(id);
      seen.get(id)!.add(Number(beat.seconds ?? 0) * 1000 + Math.round((beat.nanos ?? 0) / 1e6));
    });
  }
  // The first time seen may predate the window: only the changes after it count.
  const beats = [...seen.values()].reduce((n, times) => n + Math.max(0, times.size - 1), 0);
  const perRunningHold = running.size ? beats / running.size / seconds : 0;
  const holds = Math.round(ids.length * (running.size / sample.length));
  return { perSecond: perRunningHold * holds, holds, sampled: sample.length, seconds, notRunning: sample.length - running.size };
}

/**
 * `total` one-channel distributions scheduled 2 h out, started as DistributionService starts them
 * (raw client starts, 32 at a time: the API's start path is measured by the start-rate rows).
 */
export async function scheduledDistributions(
  client: Client,
  taskQueue: string,
  total: number,
): Promise<{ started: number; perSecond: number }> {
  const scheduledTime = new Date(Date.now() + 2 * 3_600_000).toISOString();
  const began = performance.now();
  let started = 0;
  await pool(total, 32, async () => {
    const eventId = `scheduled-${randomUUID().slice(0, 12)}`;
    await client.workflow.start(distributionWorkflow, {
      workflowId: `dist-${eventId}`,
      taskQueue,
      workflowIdConflictPolicy: 'FAIL',
      args: [
        {
          eventId,
          channels: [{ type: 'NAVER_BLOG', config: { text: 'scheduled', scheduledTime } }],
          contentUrls: { naverBlog: 'https://cdn.example.com/n.jpg' },
          retryWindowMs: 3_600_000,
          retryBackoffMs: 100,
          requestedBy: 'bench',
        },
      ],
      typedSearchAttributes: [
        { key: SwitchyardKind, value: 'distribution' },
        { key: DistributionEventId, value: eventId },
        { key: SwitchyardStatus, value: 'PENDING' },
      ],
    });
    started += 1;
  });
  return { started, perSecond: started / ((performance.now() - began) / 1000) };
}
