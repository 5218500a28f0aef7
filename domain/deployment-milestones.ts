// Machine-readable milestones of a deployment, carried by its events as `details.milestone`.
// The workflow sets them; consumers (WebSocket alerts, Slack, the console) read the field and
// never match an event's wording, which is the Panda deploy API's Korean text and may change.
export const DEPLOYMENT_MILESTONES = [
  /** Green is up and probed: the deployment waits at the gate for a person's switch or rollback. */
  'awaiting_decision',
  /** An approval was recorded at the gate (`details.approval`, and the count against the policy). */
  'approval_recorded',
  /** The watched hold began: green and blue are probed every interval while the gate is open. */
  'watch_started',
  /** The watch found green over a threshold for the set number of windows (`details.windows`); `details.dryRun` when only recorded. */
  'analysis_breach',
  /** Nobody decided within the switch timeout: the gate stays open once more (timeout action `extend`). */
  'gate_extended',
  /** Nobody decided within the switch timeout: another Slack group was called in (timeout action `escalate`). */
  'gate_escalated',
  /** A progressive release reached a step: `details.step` (1-based), `details.weight` (green's production %), `details.steps`. */
  'step',
  /** Production traffic moved to green. */
  'switched',
  /** The deployment was stopped and production stayed on (or returned to) blue. */
  'rolled_back',
] as const;

export type DeploymentMilestone = (typeof DEPLOYMENT_MILESTONES)[number];
