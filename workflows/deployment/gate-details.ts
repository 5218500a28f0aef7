// The deployment's current details in the Temporal UI while it waits at the gate: approvals so far,
// green's and blue's figures, when the switch timeout acts. A query-served value (the workflow's
// metadata), not a history command: setting it changes no replay.
import { setCurrentDetails } from '@temporalio/workflow';
import { gateDetails } from '../../domain/run-summaries.js';
import type { DeploymentContext } from './context.js';

/** Sets the details while the deployment is at the gate (opened by markReady); clears them once decided. */
export function refreshGateDetails({ state, input, decision, gateClosesAt }: DeploymentContext): void {
  if (state.status !== 'DEPLOYMENT_READY' || !state.completedAt || decision !== undefined) {
    setCurrentDetails('');
    return;
  }
  const timeoutAt = gateClosesAt ?? Date.parse(state.completedAt) + input.limits.switchTimeoutMs;
  setCurrentDetails(
    gateDetails({
      approvals: state.approvals?.length ?? 0,
      approvalsRequired: state.approvalsRequired ?? 1,
      green: state.green,
      blue: state.blue,
      leftMs: timeoutAt - Date.now(),
      timeoutAt: new Date(timeoutAt).toISOString(),
    }),
  );
}
