// What the deployment workflow's stages share: the input, the state the queries show, the event
// log, the activity proxies and the decisions taken so far. One object per run, made before any
// handler is registered; building it issues no command, so it adds nothing to the history.
import { CancellationScope, workflowInfo } from '@temporalio/workflow';
import { SwitchyardStatus } from '../../common/search-attributes.js';
import { gateOutcome } from '../../domain/gate-outcome.js';
import { DEFAULT_APPROVAL_POLICY, type ApprovalPolicy } from '../../domain/approval-policy.js';
import { EventLog } from '../shared/event-log.js';
import { deploymentActivities, slackActivities } from './activity-proxies.js';
import type { DecisionRequest } from './messages.js';
import type { ReleaseRef } from '../../activities/deployment/release-types.js';
import type { Decision, DeploymentInput, DeploymentSnapshot, DeploymentStatus } from './types.js';
import { progressivePlan } from './progressive.js';
import { index, newVisibility, type Visibility } from './visibility.js';

export interface DeploymentContext {
  readonly input: DeploymentInput;
  /** The approval policy the deployment started under (at a step's approval pause: with that step's count). */
  policy: ApprovalPolicy;
  readonly state: DeploymentSnapshot;
  readonly log: EventLog;
  readonly acts: ReturnType<typeof deploymentActivities>;
  readonly slack: ReturnType<typeof slackActivities>;
  /** Spread into every AWS activity's input. */
  readonly aws: { awsConnectionId: string };
  readonly workflowId: string;
  /** When the total limit runs out (workflow clock). */
  readonly deadline: number;
  /** Scope of stages 1–4: a rollback requested meanwhile cancels it (also before it starts). */
  readonly stagesScope: CancellationScope;
  /** Progress report keys and hook executions already logged: retries and repeats log once. */
  readonly seenProgress: Set<string>;
  /** The search attributes: how they are upserted, and what is held back (visibility.ts). */
  readonly visibility: Visibility;
  /** The decision at the gate (a switch, or a rollback while DEPLOYMENT_READY), not yet acted on. */
  decision: Decision | undefined;
  /** A rollback requested during stages 1–4. */
  rollbackRequested: Decision | undefined;
  /** The newer deployment that supersedes this one, when it came before the gate. */
  supersededBy: string | undefined;
  slackMessage: { channel: string; ts: string } | null;
  /** The "waiting for test" notice, until it has been rewritten with the gate's outcome. */
  testNotice: { channel: string; ts: string; codeDeployDeploymentId: string; engine?: 'ECS' } | null;
  /** The escalation to another Slack group, until it has been rewritten with the gate's outcome. */
  escalation: { channel: string; ts: string } | null;
  /** A progressive release's engine deployment, once started (stages/progressive.ts). */
  release?: ReleaseRef;
  /** The pause the engine waits at for Switchyard (an ECS hook id, CodeDeploy's Ready), not answered yet. */
  releaseAwaiting?: string | undefined;
  /** When the gate's timeout acts next, once extended or escalated (workflow clock); before: the switch timeout. */
  gateClosesAt?: number;
}

export function createContext(input: DeploymentInput): DeploymentContext {
  const { target } = input;
  const policy = input.approvalPolicy ?? DEFAULT_APPROVAL_POLICY;
  const release = progressivePlan(input);
  return {
    input,
    policy,
    state: {
      deploymentId: input.deploymentId,
      status: 'IN_PROGRESS',
      stage: 0,
      owner: input.owner,
      repo: input.repo,
      branch: input.branch,
      ...(input.version ? { version: input.version } : {}),
      service: target.service,
      cluster: target.cluster,
      startedAt: new Date().toISOString(),
      finalService: null,
      blueUrl: target.blueUrl,
      greenUrl: null,
      errorMessage: null,
      ...(input.rollback ? { rollbackOf: input.rollback.of } : {}),
      approvals: [],
      approvalsRequired: policy.approvals,
      approvalPolicy: policy,
      // A progressive release shows its plan from the start (nothing to replay: state only).
      ...(release ? { strategy: release.strategy, steps: release.steps, currentStep: 0, trafficWeight: 0 } : {}),
      eventCount: 0,
    },
    log: new EventLog(),
    acts: deploymentActivities(input.limits),
    slack: slackActivities(),
    aws: { awsConnectionId: input.awsConnectionId },
    workflowId: workflowInfo().workflowId,
    deadline: Date.now() + input.limits.totalMs,
    stagesScope: new CancellationScope(),
    seenProgress: new Set<string>(),
    visibility: newVisibility(),
    decision: undefined,
    rollbackRequested: undefined,
    supersededBy: undefined,
    slackMessage: null,
    testNotice: null,
    escalation: null,
  };
}

export function snapshot(ctx: DeploymentContext): DeploymentSnapshot {
  return { ...ctx.state, eventCount: ctx.log.count };
}

/** A 'stage' event of the current stage. */
export function stageEvent(ctx: DeploymentContext, message: string, details: Record<string, unknown> = {}): void {
  ctx.log.append('stage', message, { stage: ctx.state.stage, ...details });
}

export function setStatus(ctx: DeploymentContext, status: DeploymentStatus): void {
  ctx.state.status = status;
  index(ctx.visibility, [{ key: SwitchyardStatus, value: status }]);
}

export function decide(action: Decision['action'], request: DecisionRequest): Decision {
  return { action, ...request, at: new Date().toISOString() };
}

/** The rollback of a deployment a newer one of its service supersedes. */
export function supersededDecision(by: string): Decision {
  return decide('rollback', { by: 'switchyard', via: 'workflow', reason: `superseded by ${by}` });
}

/** Keeps the deployment's Slack message current; Slack trouble never fails a deployment. */
export async function syncSlack(ctx: DeploymentContext): Promise<void> {
  if (ctx.slackMessage) {
    await ctx.slack
      .updateDeploymentMessage({ ...ctx.slackMessage, ...snapshot(ctx), approvedBy: ctx.state.decision?.by })
      .catch(() => undefined);
  }
  // Once decided (or ended), the notice and the escalation say so instead of asking for a
  // decision. Runs that posted them with older code recorded no ref, so they replay without these.
  if (!ctx.state.decision && !ctx.log.terminal) return;
  const { state, input, testNotice, escalation } = ctx;
  const outcome = () => gateOutcome({ status: state.status, decision: state.decision, errorMessage: state.errorMessage });
  if (testNotice) {
    ctx.testNotice = null;
    await ctx.slack
      .updateTestTrafficNotice({ ...testNotice, deploymentId: input.deploymentId, testUrl: input.target.greenUrl, outcome: outcome() })
      .catch(() => undefined);
  }
  if (escalation) {
    ctx.escalation = null;
    await ctx.slack.updateEscalation({ ...escalation, deploymentId: input.deploymentId, outcome: outcome() }).catch(() => undefined);
  }
}
