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
  /**
   * Who may start a deployment of the service from Slack (`/platform-deploy`); absent in policies
   * resolved before it existed. Resolved at start from the policy, else SLACK_APPROVERS and
   * SLACK_DEPLOYERS: an empty list lets nobody deploy from Slack.
   */
  deployers?: SlackAudience;
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

/** Slack users and user groups (S…), as a policy names them. */
export interface SlackAudience {
  slackUsers: string[];
  slackGroups: string[];
}

/** Never a silent promotion: roll back, wait once more, or call others and wait up to a hard limit. */
export type TimeoutPolicy =
  { action: 'rollback' } | { action: 'extend'; extendMs: number } | { action: 'escalate'; slackGroup: string; hardLimitMs: number };

/** What a deployment started without a policy (or before policies existed) follows: one approval, from anyone allowed to switch. */
export const DEFAULT_APPROVAL_POLICY: ApprovalPolicy = {
  approvals: 1,
  roles: [],
  labels: [],
  slackUsers: [],
  slackGroups: [],
  deployerMayApprove: true,
  rollbackReasonRequired: false,
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
  policy: ApprovalPolicy,
  deployment: { service: string; requestedBy: string; requestedByPerson?: string | undefined; approvals: readonly Approval[] },
  approver: Approver,
): string | undefined {
  // A rollback deployment is switched by the workflow itself: the target is known good.
  if (approver.via === 'workflow') return undefined;
  const have = deployment.approvals.length;
  const earlier = deployment.approvals.find((a) => sameApprover(a, approver));
  if (earlier) {
    const as = earlier.who === approver.by ? '' : `, as ${earlier.who} via ${earlier.via}`;
    return `${policy.approvals} approvals needed, ${have} given: you (${approver.person ?? approver.by}${as}) already approved`;
  }
  const isDeployer =
    approver.by === deployment.requestedBy || (approver.person !== undefined && approver.person === deployment.requestedByPerson);
  if (!policy.deployerMayApprove && isDeployer) return 'The deployer may not approve their own deployment';
  return eligibilityRefusal(policy, deployment.service, approver, 'approve deployments of');
}

/**
 * Who may roll a service back: those whose approval would count under its policy (role, label,
 * Slack user or group), and admins, whose stop is the emergency brake. The same rule at every
 * door: the API, Slack's command and button, the WebSocket and the console.
 */
export function rollbackActorRefusal(policy: ApprovalPolicy, service: string, actor: Approver): string | undefined {
  if (actor.via === 'workflow') return undefined;
  if (actor.via !== 'slack' && actor.role === 'admin') return undefined;
  return eligibilityRefusal(policy, service, actor, 'roll back');
}

/** Who may start a deployment from Slack: the policy's deployers (resolved with SLACK_APPROVERS and SLACK_DEPLOYERS). */
export function slackDeployerRefusal(
  policy: ApprovalPolicy,
  service: string,
  actor: { slackUserId: string; slackGroups?: readonly string[] },
): string | undefined {
  const audience = policy.deployers ?? { slackUsers: [], slackGroups: [] };
  if (inAudience(audience, actor)) return undefined;
  if (audience.slackUsers.length === 0 && audience.slackGroups.length === 0) {
    return `Nobody may deploy ${service} from Slack: name deployers in the service's approval policy or SLACK_DEPLOYERS`;
  }
  return `Slack user ${actor.slackUserId} is not among the deployers of ${service}`;
}

/** The Slack users and groups a policy names (plus whoever is listed by default) include this one. */
function inAudience(
  audience: SlackAudience,
  actor: { slackUserId?: string | undefined; slackGroups?: readonly string[] | undefined },
): boolean {
  return audience.slackUsers.includes(actor.slackUserId ?? '') || (actor.slackGroups ?? []).some((g) => audience.slackGroups.includes(g));
}

/** The part of the approver rule about who the person is: role, label, Slack user or group. */
function eligibilityRefusal(policy: ApprovalPolicy, service: string, approver: Approver, verb: string): string | undefined {
  if (approver.via === 'slack') {
    if (inAudience(policy, approver)) return undefined;
    // A policy resolved before Slack defaults were resolved into it names nobody: nobody from Slack then.
    if (policy.slackUsers.length === 0 && policy.slackGroups.length === 0) {
      return `No Slack user may ${verb} ${service}: name them in the service's approval policy (slackUsers, slackGroups) or SLACK_APPROVERS`;
    }
    return `Slack user ${approver.slackUserId ?? approver.by} is not among the approvers of ${service}`;
  }
  if (policy.roles.length > 0 && !policy.roles.includes(approver.role ?? '')) {
    return `Role ${approver.role ?? 'unknown'} may not ${verb} ${service} (allowed: ${policy.roles.join(', ')})`;
  }
  if (policy.labels.length > 0 && !policy.labels.includes(approver.by)) return `${approver.by} is not among the approvers of ${service}`;
  return undefined;
}

/**
 * The policy a deployment starts under: as written for its service, with Slack's defaults resolved
 * into it, so the workflow's validators decide alone. A policy naming no Slack approver takes
 * SLACK_APPROVERS; deployers default to SLACK_APPROVERS plus SLACK_DEPLOYERS.
 */
export function resolveSlackDefaults(
  policy: ApprovalPolicy,
  slack: { approvers: readonly string[]; deployers: readonly string[] },
): ApprovalPolicy {
  const namesApprovers = policy.slackUsers.length > 0 || policy.slackGroups.length > 0;
  return {
    ...policy,
    ...(namesApprovers ? {} : { slackUsers: [...slack.approvers] }),
    deployers: policy.deployers ?? { slackUsers: [...new Set([...slack.approvers, ...slack.deployers])], slackGroups: [] },
  };
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
