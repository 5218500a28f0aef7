// The WatchHamster WebSocket API's alert for the two deployment moments a person must see: a
// failure, and green waiting at the gate for a switch or a rollback. Both are read from what the
// workflow states (the event's type, its `details.milestone`), never from an event's wording:
// that is the Panda deploy API's Korean stage text.
import { DEPLOYMENT_MILESTONES, type DeploymentMilestone } from '../../domain/deployment-milestones.js';
import type { WorkflowEvent } from '../../workflows/shared/event-log.js';
import type { AlertLevel } from './protocol.js';

export interface Alert extends Record<string, unknown> {
  level: AlertLevel;
  title: string;
  message: string;
  category: string;
  source: 'deployment_workflow';
  actions: { label: string; action: string }[];
  metadata: Record<string, unknown>;
}

type AlertTemplate = Pick<Alert, 'level' | 'category' | 'actions'> & { title: (deploymentId: string) => string };

/**
 * Which milestones raise an alert. Only the gate does: a switch or a rollback is the answer a
 * person just gave to that alert, and a rollback's outcome is alerted as the `fail` event it ends with.
 */
const MILESTONE_ALERTS: Readonly<Record<DeploymentMilestone, AlertTemplate | undefined>> = {
  awaiting_decision: {
    level: 'warning',
    category: 'approval',
    title: (id) => `Deployment ${id} is waiting for approval`,
    actions: [
      { label: 'Switch traffic', action: 'switch' },
      { label: 'Roll back', action: 'rollback' },
    ],
  },
  // An approval short of the policy: the gate's alert still stands, the event shows the count.
  approval_recorded: undefined,
  // The watch, the extension and the escalation change the gate's timing, not the decision it asks for.
  watch_started: undefined,
  analysis_breach: undefined,
  gate_extended: undefined,
  gate_escalated: undefined,
  // A progressive release's step (its weight in `details.weight`): told, so watchers see traffic move.
  step: {
    level: 'info',
    category: 'deployment',
    title: (id) => `Deployment ${id} moved a traffic step`,
    actions: [{ label: 'View result', action: 'view_result' }],
  },
  switched: undefined,
  rolled_back: undefined,
};

const FAILED: AlertTemplate = {
  level: 'error',
  category: 'deployment',
  title: (id) => `Deployment ${id} failed`,
  actions: [{ label: 'View result', action: 'view_result' }],
};

/** The event's `details.milestone`, when it is one Switchyard defines. */
export function milestoneOf(event: Pick<WorkflowEvent, 'details'>): DeploymentMilestone | undefined {
  const value = event.details?.milestone;
  return (DEPLOYMENT_MILESTONES as readonly unknown[]).includes(value) ? (value as DeploymentMilestone) : undefined;
}

export function alertFor(deploymentId: string, event: WorkflowEvent): Alert | undefined {
  const milestone = milestoneOf(event);
  const template = event.type === 'fail' ? FAILED : milestone && MILESTONE_ALERTS[milestone];
  if (!template) return undefined;
  return {
    level: template.level,
    title: template.title(deploymentId),
    message: event.message,
    category: template.category,
    source: 'deployment_workflow',
    actions: template.actions,
    metadata: { deployment_id: deploymentId, seq: event.seq, event_type: event.type, details: event.details, at: event.at },
  };
}
