// Which activities a workflow had in flight, as the Temporal server saw it right after a kill:
// the evidence of where a kill landed (a SIGKILLed worker's started activity stays pending on the
// server until its timeout).
import type { Client } from '@temporalio/client';

export async function activitiesInFlight(client: Client, workflowId: string): Promise<string[]> {
  const description = await client.workflow.getHandle(workflowId).describe();
  return (description.raw.pendingActivities ?? []).map((a) => a.activityType?.name ?? '?');
}

/** Counts of labels, for a one-line summary: `buildImage×3 ensureEcrImage×2`. */
export function tally(labels: string[]): string {
  const counts = new Map<string, number>();
  for (const label of labels) counts.set(label, (counts.get(label) ?? 0) + 1);
  return [...counts].map(([label, n]) => `${label}×${n}`).join(' ');
}
