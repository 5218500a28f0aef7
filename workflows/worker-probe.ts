// The smallest real round trip: client → server → worker → activity → result. `GET /healthz?deep=true`
// runs it to prove that a worker actually executes work, not just that one is polling.
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { WorkerDescription } from '../activities/worker-probe.js';

const { describeWorker } = proxyActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: { maximumAttempts: 3, initialInterval: '200 milliseconds' },
});

export interface WorkerProbeResult extends WorkerDescription {
  workflowId: string;
}

export async function workerProbeWorkflow(): Promise<WorkerProbeResult> {
  const worker = await describeWorker();
  return { ...worker, workflowId: workflowInfo().workflowId };
}
