// The deployment workflow's input, state and result. The vocabulary lives in domain/deployment.ts
// (shared with activities, configuration and the API); re-exported here for the workflow's own
// modules.
export {
  BUILDERS,
  DECISION_ACTIONS,
  DEPLOYMENT_ERROR_CODES,
  DEPLOYMENT_STATUSES,
  SERVICE_COLORS,
  TERMINAL_STATUSES,
  durationSeconds,
} from '../../domain/deployment.js';
export type {
  Builder,
  Decision,
  DecisionAction,
  DeployTarget,
  DeploymentErrorCode,
  DeploymentInput,
  DeploymentLimits,
  DeploymentSnapshot,
  DeploymentStatus,
  HealthFigures,
  ServiceColor,
} from '../../domain/deployment.js';
