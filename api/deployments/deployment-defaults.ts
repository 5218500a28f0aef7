// Why: what DeploymentService takes from configuration, apart from its clients (api/app-deps.ts builds it).
import type { ApprovalPolicies } from '../../common/config/approval-policies.js';
import type { Builder, DeploymentLimits, DeployTarget } from '../../domain/deployment.js';

export interface DeploymentDefaults {
  target: Partial<DeployTarget>;
  builder: Builder;
  limits: DeploymentLimits;
  /** Deployments that may wait behind a service's running one (DEPLOY_QUEUE_CAPACITY); 0 refuses with 409. */
  queueCapacity: number;
  /** TEMPORAL_UPDATE_TIMEOUT_SECONDS: the bound on every update the API sends (the admission's, a switch's…). */
  updateTimeoutMs: number;
  /**
   * Hosts (`host` or `host:port`) a request's target.blueUrl/greenUrl may name (DEPLOY_PROBE_HOSTS):
   * the worker fetches those URLs, so a deployer must not point it anywhere else. The hosts of the
   * configured default URLs are always allowed.
   */
  probeHosts?: readonly string[];
  /** Each service's approval policy; absent: DEFAULT_APPROVAL_POLICY for all. */
  approvalPolicies?: ApprovalPolicies;
  /** SLACK_APPROVERS and SLACK_DEPLOYERS, resolved into every policy that names no Slack users. */
  slack?: { approvers: readonly string[]; deployers: readonly string[] };
}
