// Machine-readable milestones of a deployment, carried by its events as `details.milestone`.
// The workflow sets them; consumers (WebSocket alerts, Slack, the console) read the field and
// never match an event's wording, which is the seed's Korean text and may change.
export const DEPLOYMENT_MILESTONES = [
  /** Green is up and probed: the deployment waits at the gate for a person's switch or rollback. */
  'awaiting_decision',
  /** An approval was recorded at the gate (`details.approval`, and the count against the policy). */
  'approval_recorded',
  /** Production traffic moved to green. */
  'switched',
  /** The deployment was stopped and production stayed on (or returned to) blue. */
  'rolled_back',
] as const;

export type DeploymentMilestone = (typeof DEPLOYMENT_MILESTONES)[number];
