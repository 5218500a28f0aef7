// Who may approve a deployment's traffic switch, and how many must: a service's approval policy.
// The API resolves the policy for a service when the deployment starts and puts it in the
// workflow's input, so the workflow enforces the policy that applied at start and its history
// records it. Pure vocabulary and rules (no I/O), shared by the workflow and the API.

export interface ApprovalPolicy {
  /** Distinct approvers needed before traffic switches (N of the allowed set). */
  approvals: number;
  /** API-key roles that may approve; empty: any role the switch route lets through (approver, admin). */
  roles: string[];
  /** API-key labels that may approve; empty: any label. */
  labels: string[];
  /** Slack user ids that may approve; with `slackGroups` both empty, any of SLACK_APPROVERS. */
  slackUsers: string[];
  /** Slack user-group ids (S…) whose members may approve. */
  slackGroups: string[];
  /** Whether the person who started the deployment may approve it. */
  deployerMayApprove: boolean;
  /** A rollback must say why. */
  rollbackReasonRequired: boolean;
  /** Keep probing green against blue while the gate is open; absent: no watch. */
  watch?: WatchPolicy;
  /** What happens when nobody decides within the switch timeout; absent: roll back. */
  onTimeout?: TimeoutPolicy;
  /**
   * A newer deployment of the service while one waits at the gate: `queue` behind it (as
   * DEPLOY_QUEUE_CAPACITY allows), or `supersede` it: the newer one queues and the older one is
   * rolled back (reason `superseded by dep_…`) once it is at the gate. Absent: queue.
   */
  onNewerDeployment?: 'queue' | 'supersede';
}

/**
 * The watched hold: every `intervalMs` a window of probes of green and blue; `windows` windows in
 * a row over a threshold roll the deployment back by itself (reason `analysis`), or with `dryRun`
 * only record the verdict.
 */
export interface WatchPolicy {
  intervalMs: number;
  /** Green's error rate above this is a bad window. */
  maxErrorRate: number;
  /** Green's p95 latency above this (ms) is a bad window. */
  maxP95Ms?: number;
  windows: number;
  dryRun: boolean;
}

/** Never a silent promotion: roll back, wait once more, or call others and wait up to a hard limit. */
export type TimeoutPolicy =
  | { action: 'rollback' }
  | { action: 'extend'; extendMs: number }
  | { action: 'escalate'; slackGroup: string; hardLimitMs: number };

/** What a deployment started without a policy (or before policies existed) follows: one approval, from anyone allowed to switch. */
export const DEFAULT_APPROVAL_POLICY: ApprovalPolicy = {
  approvals: 1, roles: [], labels: [], slackUsers: [], slackGroups: [], deployerMayApprove: true, rollbackReasonRequired: false,
};

export type ApprovalChannel = 'api' | 'slack' | 'websocket' | 'workflow';

/** One recorded approval: in the result (`approvals`), the event stream, Slack and the console. */
export interface Approval {
  who: string;
  /** The person behind `who` (SWITCHYARD_IDENTITIES), when known: the same person approves once. */
  person?: string;
  via: ApprovalChannel;
  at: string;
  reason?: string;
  /** The freeze an admin overrode with this approval. */
  overrodeFreeze?: string;
}

/**
 * Who asks to switch, as the API authenticated them: the name decisions are recorded under
 * (`by`: an API key's label, or `slack:<user id>`), the key's role, or the Slack user and the
 * user groups the API found them in.
 */
export interface Approver {
  by: string;
  /** The person the API resolved `by` to (an API key's or a Slack user's), when known. */
  person?: string;
  via: ApprovalChannel;
  role?: string;
  slackUserId?: string;
  slackGroups?: string[];
}

/** Why this approver's approval does not count for this deployment; undefined when it does. */
export function approverRefusal(
  policy: ApprovalPolicy, deployment: { service: string; requestedBy: string; requestedByPerson?: string | undefined; approvals: readonly Approval[] }, approver: Approver,
): string | undefined {
  // A rollback deployment is switched by the workflow itself: the target is known good.
  if (approver.via === 'workflow') return undefined;
  const have = deployment.approvals.length;
  const earlier = deployment.approvals.find((a) => sameApprover(a, approver));
  if (earlier) {
    const as = earlier.who === approver.by ? '' : `, as ${earlier.who} via ${earlier.via}`;
    return `${policy.approvals} approvals needed, ${have} given: you (${approver.person ?? approver.by}${as}) already approved`;
  }
  const isDeployer = approver.by === deployment.requestedBy || (approver.person !== undefined && approver.person === deployment.requestedByPerson);
  if (!policy.deployerMayApprove && isDeployer) return 'The deployer may not approve their own deployment';
  if (approver.via === 'slack') {
    const restricted = policy.slackUsers.length > 0 || policy.slackGroups.length > 0;
    const allowed = policy.slackUsers.includes(approver.slackUserId ?? '') || (approver.slackGroups ?? []).some((g) => policy.slackGroups.includes(g));
    if (restricted && !allowed) return `Slack user ${approver.slackUserId ?? approver.by} is not among the approvers of ${deployment.service}`;
    return undefined;
  }
  if (policy.roles.length > 0 && !policy.roles.includes(approver.role ?? '')) {
    return `Role ${approver.role ?? 'unknown'} may not approve deployments of ${deployment.service} (allowed: ${policy.roles.join(', ')})`;
  }
  if (policy.labels.length > 0 && !policy.labels.includes(approver.by)) return `${approver.by} is not among the approvers of ${deployment.service}`;
  return undefined;
}

/**
 * One approver, whichever door: the same recorded name, or the same person when both are known
 * (alice's API key and alice's Slack user are one approval, not two).
 */
export function sameApprover(approval: Approval, approver: Pick<Approver, 'by' | 'person'>): boolean {
  return approval.who === approver.by || (approver.person !== undefined && approval.person === approver.person);
}

/** Who an approval names for people: the person, with the door they used when it says more. */
export function approvalName(approval: Pick<Approval, 'who' | 'person'>): string {
  return approval.person && approval.person !== approval.who ? `${approval.person} (${approval.who})` : approval.who;
}

/** True once the approvals meet the policy. */
export function approvalMet(policy: ApprovalPolicy, approvals: readonly Approval[]): boolean {
  return approvals.length >= policy.approvals;
}

/** "1 of 2 approvals": for messages, Slack and the console. */
export function approvalCount(policy: ApprovalPolicy, approvals: readonly Approval[]): string {
  return `${approvals.length} of ${policy.approvals} approval${policy.approvals === 1 ? '' : 's'}`;
}
