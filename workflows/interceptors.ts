// Workflow interceptors, bundled with the workflows (WORKFLOW_INTERCEPTOR_MODULES in
// worker/worker.ts): OpenTelemetry spans for a traced run and what it schedules (exported through
// the worker's `tracing` sink), and the request id passed on from the API to activities. Both
// only add headers and sink calls, and neither adds an await: the workflow's commands stay the
// same, so recorded histories replay.
import type { WorkflowInterceptors } from '@temporalio/workflow';
import { requestIdInterceptors } from './shared/request-id-interceptors.js';
import { traceInterceptors } from './shared/trace-interceptors.js';

export const interceptors = (): WorkflowInterceptors => {
  // Called once per workflow run: each run's state is its own.
  const traces = traceInterceptors();
  const ids = requestIdInterceptors();
  return { inbound: [traces.inbound, ids.inbound], outbound: [traces.outbound, ids.outbound] };
};
