// The baseline the engine sets: six-channel distributions against a workflow of six parallel
// no-op activities, on the same server, worker and task queue, in one run. The ratio says what
// Switchyard's own work (channel calls, event log, webhook) costs over the engine's floor.
import { randomUUID } from 'node:crypto';
import { CHANNEL_TYPES } from '../domain/channels.js';
import { distributionWorkflow } from '../workflows/distribution/workflow.js';
import { cpuSeconds } from './cpu-time.js';
import type { startBenchStack } from './harness.js';
import { startRate } from './starts.js';
import { sixNoOpsWorkflow } from './workflows/six-no-ops.js';

type Stack = Awaited<ReturnType<typeof startBenchStack>>;

const CONTENT = Object.fromEntries(
  ['wooridongneTV', 'ringoBiz', 'genieTV', 'instagram', 'naverBlog', 'kakaoChannel'].map((k) => [k, `https://cdn.example.com/${k}.jpg`]),
);

export interface BaselineRun {
  distributions: number;
  baseline: number;
  failed: number;
  /** CPU milliseconds per workflow (bench process and dev server), when /proc can tell. */
  distributionCpuMs?: number;
  baselineCpuMs?: number;
  /** Of which the dev server's: the engine's own share. */
  distributionServerCpuMs?: number;
  baselineServerCpuMs?: number;
}

/** A side's rate, and the CPU it used per workflow. */
async function measured(total: number, side: () => Promise<{ perSecond: number; failed: number }>) {
  const before = cpuSeconds();
  const result = await side();
  const after = cpuSeconds();
  if (!before || !after) return { ...result, cpuMs: undefined, serverCpuMs: undefined };
  const perWorkflow = (seconds: number) => (seconds * 1000) / total;
  return {
    ...result,
    cpuMs: perWorkflow(after.bench + after.server - before.bench - before.server),
    serverCpuMs: perWorkflow(after.server - before.server),
  };
}

/**
 * `runs` runs of `total` workflows a side, `concurrency` at a time, each side timed from the first
 * start to the last result; the side that goes first alternates from run to run.
 */
export async function sixActivityBaseline(stack: Stack, total: number, concurrency: number, runs = 3): Promise<BaselineRun[]> {
  // A retry window of 1 ms: the distribution closes as soon as it has settled (webhook sent; in
  // newer runs in the same workflow task, older ones after one timer's round trip).
  const distribution = () =>
    measured(total, () =>
      startRate(total, concurrency, async () => {
        const eventId = `baseline-${randomUUID().slice(0, 12)}`;
        const snapshot = await stack.client.workflow.execute(distributionWorkflow, {
          workflowId: `dist-${eventId}`,
          taskQueue: stack.taskQueue,
          args: [
            {
              eventId,
              channels: CHANNEL_TYPES.map((type) => ({ type, config: { caption: 'baseline' } })),
              contentUrls: CONTENT,
              retryWindowMs: 1,
              retryBackoffMs: 100,
              requestedBy: 'bench',
            },
          ],
        });
        return snapshot.overallStatus === 'COMPLETED';
      }),
    );
  const baseline = () =>
    measured(total, () =>
      startRate(total, concurrency, async () => {
        const results = await stack.client.workflow.execute(sixNoOpsWorkflow, {
          workflowId: `baseline-noop-${randomUUID().slice(0, 12)}`,
          taskQueue: stack.taskQueue,
        });
        return results.length === 6;
      }),
    );
  const out: BaselineRun[] = [];
  for (let run = 0; run < runs; run += 1) {
    const sides = run % 2 === 0 ? [distribution, baseline] : [baseline, distribution];
    const [first, second] = [await sides[0]!(), await sides[1]!()];
    const [d, b] = run % 2 === 0 ? [first, second] : [second, first];
    out.push({
      distributions: d.perSecond,
      baseline: b.perSecond,
      failed: d.failed + b.failed,
      ...(d.cpuMs !== undefined && b.cpuMs !== undefined
        ? { distributionCpuMs: d.cpuMs, baselineCpuMs: b.cpuMs, distributionServerCpuMs: d.serverCpuMs, baselineServerCpuMs: b.serverCpuMs }
        : {}),
    });
  }
  return out;
}
