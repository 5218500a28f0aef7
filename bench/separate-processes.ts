// The rows that need processes of their own: SSE fan-out and memory (API process + clients
// process), Slack acknowledgement (API process), worker memory over settled distributions
// (worker process). Memory is always the measured process's own, read by itself after a full GC.
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import { signSlackRequest } from '../api/slack/signature.js';
import { SANDBOX_SLACK } from '../emulators/sandbox.js';
import { distributionWorkflow } from '../workflows/distribution/workflow.js';
import { BENCH_SLACK_SIGNING_SECRET, type ApiProcess, type BenchProcess, type MemoryReport } from './processes.js';
import type { AwaitResult, ClientCommand, OpenResult } from './sse-clients.js';

const MiB = 2 ** 20;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The SSE clients' process: one command at a time over IPC. */
function startClients() {
  const child = fork(fileURLToPath(new URL('./sse-clients.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let next = 0;
  const send = <T>(command: ClientCommand extends infer C ? (C extends unknown ? Omit<C, 'id'> : never) : never): Promise<T> =>
    new Promise((resolve, reject) => {
      const id = ++next;
      const exited = (code: number | null) => reject(new Error(`the SSE clients' process exited (${code})`));
      const onMessage = (message: { id: number; result: T }) => {
        if (message.id !== id) return;
        child.off('message', onMessage);
        child.off('exit', exited);
        resolve(message.result);
      };
      child.on('message', onMessage);
      child.once('exit', exited);
      child.send({ ...command, id } as ClientCommand);
    });
  return {
    send,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export async function metric(api: Pick<ApiProcess, 'url'>, key: string, name: string): Promise<number> {
  const text = await (await fetch(`${api.url}/metrics`, { headers: { authorization: `Bearer ${key}` } })).text();
  return Number(new RegExp(`^${name} (\\d+)`, 'm').exec(text)?.[1] ?? NaN);
}

export interface SseFanOut {
  streams: number;
  open: OpenResult;
  queriesWhileConnecting: number;
  base: MemoryReport;
  opened: MemoryReport;
  closed: MemoryReport;
  /** 15 s later, after another GC. */
  later: MemoryReport;
  feedsAfterClose: number;
  event: AwaitResult;
  /** From sending DELETE (the change) to the last client reading its event. */
  requestToLastMs: number;
  deleteStatus: number;
  deleteMs: number;
  /** The API process's longest event-loop stall between the streams opened and the event delivered. */
  loopDelayMaxMs: number;
}

/**
 * `streams` SSE clients (in their own process) on one distribution served by the API process;
 * then one event (cancelling its scheduled channel) fanned out to all of them; then all closed
 * by the clients. The API process's RSS, each after a full GC: before, open, after close.
 */
export async function sseFanOut(api: ApiProcess, key: string, streams: number): Promise<SseFanOut> {
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${key}` };
  const clients = startClients();
  // BENCH_HEAP_SNAPSHOTS=<folder>: the API process writes a heap snapshot at each of the three points.
  const folder = process.env.BENCH_HEAP_SNAPSHOTS;
  const snapshot = (name: string) => (folder ? { heapSnapshot: `${folder}/api-${streams}-${name}.heapsnapshot` } : {});
  try {
    // A channel scheduled an hour out keeps the distribution open and quiet until the bench
    // cancels it: the one event then comes exactly when every client is connected.
    const eventId = `fanout-${randomUUID().slice(0, 8)}`;
    const scheduledTime = new Date(Date.now() + 3_600_000).toISOString();
    const started = await fetch(`${api.url}/api/distribution/distribute`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        eventId,
        channels: [{ type: 'NAVER_BLOG', config: { scheduledTime } }],
        contentUrls: { naverBlog: 'https://cdn.example.com/n.jpg' },
      }),
    });
    if (!started.ok) throw new Error(`distribute answered ${started.status}: ${await started.text()}`);
    const url = `${api.url}/api/distribution/${eventId}/events`;
    // Warm-up: the route's code paths compiled, the feed's first query answered, then let go.
    await clients.send<OpenResult>({ cmd: 'open', url, headers: { authorization: headers.authorization }, count: 10, parallel: 10 });
    await clients.send({ cmd: 'close' });
    await sleep(500);
    const base = await api.memory(snapshot('base'));
    const queriesBefore = await metric(api, key, 'switchyard_event_queries_total');
    const open = await clients.send<OpenResult>({
      cmd: 'open',
      url,
      headers: { authorization: headers.authorization },
      count: streams,
      parallel: 256,
    });
    const queriesWhileConnecting = (await metric(api, key, 'switchyard_event_queries_total')) - queriesBefore;
    const opened = await api.memory(snapshot('open'));
    const waiting = clients.send<AwaitResult>({ cmd: 'await', event: 'cancel', timeoutMs: 120_000 });
    const sentAt = Date.now();
    // The route answers with the distribution's status, read by a second query after the cancel;
    // that read can miss its 5 s deadline (503) while the API process writes the event to every
    // stream. The cancel itself has happened then: the clients' await below says whether it arrived.
    const cancelled = await fetch(`${api.url}/api/distribution/${eventId}`, { method: 'DELETE', headers });
    const deleteStatus = cancelled.status;
    const deleteMs = Date.now() - sentAt;
    if (!cancelled.ok && cancelled.status !== 503) throw new Error(`DELETE answered ${cancelled.status}: ${await cancelled.text()}`);
    await cancelled.arrayBuffer().catch(() => undefined);
    const event = await waiting;
    // The longest the API process's event loop stalled since `opened` (the fan-out among it).
    const afterEvent = await api.memory({ gc: false });
    await clients.send({ cmd: 'close' });
    // Long enough for the server to see every socket close (and its per-stream timers cleared).
    await sleep(3000);
    const closed = await api.memory(snapshot('closed'));
    // V8 gives committed heap pages back to the OS lazily (its memory reducer runs when idle):
    // a second look after a quiet while tells retained memory from memory not yet returned.
    await sleep(15_000);
    const later = await api.memory();
    const feedsAfterClose = await metric(api, key, 'switchyard_event_feeds');
    return {
      streams,
      open,
      queriesWhileConnecting,
      base,
      opened,
      closed,
      later,
      feedsAfterClose,
      event,
      requestToLastMs: event.lastReceivedAt - sentAt,
      deleteStatus,
      deleteMs,
      loopDelayMaxMs: afterEvent.loopDelayMaxMs,
    };
  } finally {
    await clients.stop();
  }
}

export function printSseFanOut(r: SseFanOut): void {
  const q = (p: number) => r.event.lagsMs[Math.min(r.event.lagsMs.length - 1, Math.floor(p * r.event.lagsMs.length))] ?? NaN;
  const per1000 = (a: MemoryReport, b: MemoryReport) => ((b.rss - a.rss) / MiB / (r.streams / 1000)).toFixed(1);
  console.log('SSE at scale: %d streams of one distribution, API and clients in separate processes (RSS after a full GC):', r.streams);
  console.log(
    '  connected %d of %d (%d failed%s) in %d ms, with %d event queries',
    r.open.connected,
    r.streams,
    r.open.failed,
    r.open.firstError ? `, first: ${r.open.firstError}` : '',
    Math.round(r.open.ms),
    r.queriesWhileConnecting,
  );
  console.log(
    "  one event (DELETE cancels the scheduled channel) → every client: the event's `at` → client p50 %d ms, p99 %d ms, last %d ms; DELETE sent → last client %d ms; %d never got it",
    q(0.5),
    q(0.99),
    r.event.lagsMs.at(-1) ?? NaN,
    r.requestToLastMs,
    r.event.missing,
  );
  console.log(
    "  the DELETE answered %d in %d ms; the API process's event loop stalled up to %d ms meanwhile",
    r.deleteStatus,
    r.deleteMs,
    Math.round(r.loopDelayMaxMs),
  );
  const m = (report: MemoryReport) =>
    `RSS ${(report.rss / MiB).toFixed(0)} (heap used ${(report.heapUsed / MiB).toFixed(0)} of ${(report.heapTotal / MiB).toFixed(0)})`;
  console.log('  API process MiB: before %s; open %s; all closed %s; 15 s later %s', m(r.base), m(r.opened), m(r.closed), m(r.later));
  console.log(
    '  per 1,000 open streams          %s MiB RSS (heap %s MiB)   (goal ≤ 25)',
    per1000(r.base, r.opened),
    ((r.opened.heapUsed - r.base.heapUsed) / MiB / (r.streams / 1000)).toFixed(1),
  );
  console.log(
    '  still held after close, per 1,000   %s MiB RSS (15 s later %s), heap used %s MiB; event feeds open: %d   (goal ≈ 0)\n',
    per1000(r.base, r.closed),
    per1000(r.base, r.later),
    ((r.closed.heapUsed - r.base.heapUsed) / MiB / (r.streams / 1000)).toFixed(1),
    r.feedsAfterClose,
  );
}

export interface SlackAcks {
  count: number;
  p50: number;
  p99: number;
  max: number;
  non200: number;
  worked: number;
  answers: Record<string, number>;
}

/** A slash command to send, and what its acknowledgement says when it was answered as meant. */
export interface SlackCommandCase {
  command: string;
  text: string;
  acknowledged: RegExp;
  replies: boolean;
}

export const SLACK_STATUS: SlackCommandCase = { command: '/platform-status', text: '', acknowledged: /Reading the state/, replies: true };
/** Deploys decide and start durably before the ack: one starts, the rest are refused by the admission workflow (one per service). */
export const SLACK_DEPLOY: SlackCommandCase = {
  command: '/platform-deploy',
  text: 'v1.2.3',
  acknowledged: /started by|already running|queue is full/,
  replies: false,
};

/**
 * Signed commands to the API process, `concurrency` in flight: the time to each acknowledgement
 * (Slack's 3-second clock). A read's work (ECS and Temporal reads, then a reply to its
 * response_url) runs after the ack, as it does for Slack, and the replies land here; a deploy's
 * decision and durable start come before the ack.
 */
export async function slackAcks(
  api: ApiProcess,
  count: number,
  concurrency: number,
  what: SlackCommandCase = SLACK_STATUS,
): Promise<SlackAcks> {
  let worked = 0;
  const replies = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      worked += 1;
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => replies.listen(0, '127.0.0.1', resolve));
  const responseUrl = `http://127.0.0.1:${(replies.address() as AddressInfo).port}/reply`;
  const times: number[] = [];
  let non200 = 0;
  let next = 0;
  const answers: Record<string, number> = {};
  try {
    const one = async (n: number) => {
      const body = new URLSearchParams({
        token: 'unused',
        team_id: 'T0SANDBOX',
        channel_id: SANDBOX_SLACK.channelId,
        user_id: SANDBOX_SLACK.approver,
        user_name: 'bench',
        command: what.command,
        text: what.text,
        response_url: responseUrl,
        trigger_id: `${Date.now()}.${n}.${randomUUID().slice(0, 8)}`,
      }).toString();
      const timestamp = String(Math.floor(Date.now() / 1000));
      const began = performance.now();
      const res = await fetch(`${api.url}/slack/commands`, {
        method: 'POST',
        body,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-slack-request-timestamp': timestamp,
          'x-slack-signature': signSlackRequest(BENCH_SLACK_SIGNING_SECRET, timestamp, body),
        },
      });
      const ack = await res.text();
      times.push(performance.now() - began);
      if (res.status !== 200 || !what.acknowledged.test(ack)) non200 += 1;
      // The gist of each answer (ids and times left out), counted: what the acks decided.
      const gist = ack.replace(/dep_[a-z0-9]+|\d[\d:.TZ-]*/g, '…').slice(0, 100);
      answers[gist] = (answers[gist] ?? 0) + 1;
    };
    await one(-1); // warm-up, not counted
    times.length = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < count) {
          next += 1;
          await one(next);
        }
      }),
    );
    // The work after the acks: give it a moment to land, so the count says it ran.
    for (const deadline = Date.now() + 30_000; what.replies && worked < count + 1 && Date.now() < deadline;) await sleep(100);
  } finally {
    await new Promise((resolve) => replies.close(resolve));
  }
  times.sort((a, b) => a - b);
  const at = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!;
  return { count, p50: at(0.5), p99: at(0.99), max: times.at(-1)!, non200, worked: worked - 1, answers };
}

export interface IdleSample {
  count: number;
  rssMiB: number;
  heapMiB: number;
}

/**
 * One-channel distributions started on the worker process's task queue, `concurrency` at a time,
 * each followed until settled; it then stays open for its hour-long retry window. The worker
 * process's RSS (after a full GC) at each checkpoint.
 */
export async function idleWorker(
  worker: BenchProcess,
  client: Client,
  taskQueue: string,
  total: number,
  checkpoints: number[],
): Promise<{ samples: IdleSample[]; seconds: number }> {
  const samples: IdleSample[] = [];
  // 16 at a time took 13 minutes for 5,000 on this loaded 2-core machine; the figure is memory, not rate.
  const concurrency = 32;
  let started = 0;
  let settled = 0;
  const wanted = new Set(checkpoints);
  const began = performance.now();
  const one = async () => {
    const eventId = `idle-${randomUUID().slice(0, 12)}`;
    // The input DistributionService builds for POST /distribute, retry window an hour.
    const handle = await client.workflow.start(distributionWorkflow, {
      workflowId: `dist-${eventId}`,
      taskQueue,
      args: [
        {
          eventId,
          channels: [{ type: 'NAVER_BLOG', config: { text: 'idle' } }],
          contentUrls: { naverBlog: 'https://cdn.example.com/n.jpg' },
          retryWindowMs: 3_600_000,
          retryBackoffMs: 100,
          requestedBy: 'bench',
        },
      ],
    });
    for (;;) {
      const { overallStatus } = await handle.query<{ overallStatus: string }>('distributionSnapshot');
      if (overallStatus !== 'PENDING' && overallStatus !== 'IN_PROGRESS') return;
      await sleep(100);
    }
  };
  let sampling = Promise.resolve();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (started < total) {
        started += 1;
        await one();
        settled += 1;
        if (wanted.has(settled)) {
          const count = settled;
          sampling = sampling.then(async () => {
            const report = await worker.memory();
            samples.push({ count, rssMiB: report.rss / MiB, heapMiB: report.heapUsed / MiB });
          });
          await sampling;
        }
      }
    }),
  );
  await sampling;
  return { samples: samples.sort((a, b) => a.count - b.count), seconds: (performance.now() - began) / 1000 };
}
