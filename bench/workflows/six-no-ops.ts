// The engine's own floor for a six-channel distribution: six activities in parallel that do
// nothing. Bench-only: bundled for the bench's worker (bench/workflows/index.ts), never shipped.
import { proxyActivities } from '@temporalio/workflow';
import type { BenchActivities } from '../no-op-activity.js';

// As a channel's publish is proxied: a start-to-close limit and the SDK's default retries.
const { benchNoOp } = proxyActivities<BenchActivities>({ startToCloseTimeout: '30 seconds' });

export async function sixNoOpsWorkflow(): Promise<number[]> {
  return Promise.all([0, 1, 2, 3, 4, 5].map((n) => benchNoOp(n)));
}
