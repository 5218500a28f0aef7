// How a deployment's gate ended, in one line: the "waiting for test" Slack notice is rewritten
// with it once the gate is decided, wherever that happened (API, Slack, WebSocket, console, or the
// workflow itself: timeout, analysis, supersede, emergency stop).
import type { Decision, DeploymentStatus } from './deployment.js';

export function gateOutcome(view: {
  status: DeploymentStatus;
  decision?: Decision | undefined;
  errorMessage?: string | null | undefined;
}): string {
  const d = view.decision;
  // The switch is decided when traffic starts to move (SWITCHING): the decision, not that moment's status.
  if (d?.action === 'switch') return `switched to green by ${d.by} (${d.via}) at ${d.at}`;
  if (d) return `rolled back by ${d.by} (${d.via}) at ${d.at}${d.reason ? `: ${d.reason}` : ''}`;
  return `${view.status}${view.errorMessage ? `: ${view.errorMessage}` : ''}`;
}
