// The deployment workflow's queries, signals and updates. The switch and rollback validators apply
// the gate's rules (decisions.ts) to the workflow's own state: the final, race-free word.
import { ApplicationFailure, setHandler } from '@temporalio/workflow';
import {
  approvalCount,
  approvalMet,
  approvalName,
  approverRefusal,
  rollbackActorRefusal,
  type Approval,
} from '../../domain/approval-policy.js';
import type { DeploymentMilestone } from '../../domain/deployment-milestones.js';
import { decide, snapshot, supersededDecision, syncSlack, type DeploymentContext } from './context.js';
import { freezeRefusal, rollbackPlan, rollbackReasonRefusal, switchRefusal, type GateView } from './decisions.js';
import { testTrafficHookUpdate, testTrafficReadySignal, type TestTrafficHook, type TestTrafficReady } from './hook-messages.js';
import {
  deploymentEventsQuery,
  deploymentSnapshotQuery,
  progressSignal,
  rollbackUpdate,
  supersededSignal,
  switchTrafficUpdate,
  type DecisionRequest,
  type SwitchOutcome,
} from './messages.js';
import { appendProgress } from './progress-log.js';
import { refreshGateDetails } from './gate-details.js';
import { registerEcsTestTrafficHook } from './ecs-test-traffic.js';

/** Registered in this order from the start of the run (a buffered message meets its handler here). */
export function registerHandlers(ctx: DeploymentContext): void {
  const { log } = ctx;
  setHandler(deploymentSnapshotQuery, () => snapshot(ctx));
  setHandler(deploymentEventsQuery, (afterSeq) => log.since(afterSeq));
  setHandler(testTrafficReadySignal, (hook) => {
    recordTestTraffic(ctx, hook);
  });
  /** Hook executions being answered or answered: a repeat waits for the first answer instead of sending another. */
  const hookAnswers = new Map<string, Promise<void>>();
  setHandler(
    testTrafficHookUpdate,
    async (hook) => {
      const earlier = hookAnswers.get(hook.hookExecutionId);
      if (earlier) {
        await earlier;
        return { alreadyReported: true };
      }
      const answering = answerTestTrafficHook(ctx, hook);
      hookAnswers.set(hook.hookExecutionId, answering);
      try {
        await answering;
      } catch (error) {
        hookAnswers.delete(hook.hookExecutionId); // not answered: the Lambda's retry may try again
        throw error;
      }
      return { alreadyReported: false };
    },
    {
      // The API may address this workflow by the id the hook Lambda read from the CodeDeploy
      // deployment's description: a hook for another CodeDeploy deployment than the one recorded is
      // not this deployment's. (Not recorded yet, after a crash around CreateDeployment: it is ours.)
      validator: (hook) => {
        const recorded = ctx.state.codeDeployDeploymentId;
        if (recorded && recorded !== hook.codeDeployDeploymentId) {
          throw ApplicationFailure.nonRetryable(
            `${ctx.input.deploymentId} follows CodeDeploy deployment ${recorded}, not ${hook.codeDeployDeploymentId}`,
            'NotThisDeployment',
          );
        }
      },
    },
  );
  registerEcsTestTrafficHook(ctx);
  setHandler(supersededSignal, ({ by }) => {
    if (ctx.decision || ctx.input.rollback || ctx.supersededBy) return;
    ctx.supersededBy = by;
    // At the gate it steps aside now; before it, when it gets there (awaitDecision).
    if (ctx.state.status === 'DEPLOYMENT_READY') ctx.decision = supersededDecision(by);
  });
  setHandler(progressSignal, (reports) => appendProgress(ctx, reports));
  setHandler(switchTrafficUpdate, async (request) => approve(ctx, request), {
    validator: (request) => {
      const notReady = switchRefusal(gateView(ctx));
      if (notReady) throw ApplicationFailure.nonRetryable(notReady, 'NotReady');
      const frozen = freezeRefusal(request, ctx.state.service);
      if (frozen) throw ApplicationFailure.nonRetryable(frozen, 'Frozen');
      const notCounted = approverRefusal(ctx.policy, approvalView(ctx), request);
      if (notCounted) throw ApplicationFailure.nonRetryable(notCounted, 'NotApproved');
    },
  });
  setHandler(
    rollbackUpdate,
    (request) => {
      requestRollback(ctx, request);
      return { status: 'ROLLING_BACK' };
    },
    {
      validator: (request) => {
        const problem = rollbackRefusal(gateView(ctx)) ?? rollbackReasonRefusal(ctx.policy, request, ctx.state.service);
        if (problem) throw ApplicationFailure.nonRetryable(problem, 'NotRollbackable');
        const notAllowed = rollbackActorRefusal(ctx.policy, ctx.state.service, request);
        if (notAllowed) throw ApplicationFailure.nonRetryable(notAllowed, 'NotApproved');
      },
    },
  );
}

/** What the approval rules look at: the service, who started the deployment, the approvals so far. */
function approvalView({ state, input }: DeploymentContext) {
  return {
    service: state.service,
    requestedBy: input.requestedBy,
    requestedByPerson: input.requestedByPerson,
    approvals: state.approvals ?? [],
  };
}

/** Records an approval; traffic switches once the policy's approvals are met. */
async function approve(ctx: DeploymentContext, request: DecisionRequest): Promise<SwitchOutcome> {
  const { state, policy, log } = ctx;
  const approvals = (state.approvals ??= []);
  const approval: Approval = {
    who: request.by,
    ...(request.person ? { person: request.person } : {}),
    via: request.via,
    at: new Date().toISOString(),
    ...(request.reason ? { reason: request.reason } : {}),
    ...(request.frozen && request.override ? { overrodeFreeze: request.frozen.id } : {}),
  };
  approvals.push(approval);
  const met = approvalMet(policy, approvals);
  const outcome = { approvals: [...approvals], approvalsRequired: policy.approvals };
  // One approval of one: the switch itself says who approved (as before policies), no event of its
  // own; an override of a freeze always gets one, for the audit.
  if (policy.approvals > 1 || approval.overrodeFreeze) {
    log.append('stage', `Approved by ${approvalName(approval)} via ${approval.via}: ${approvalCount(policy, approvals)}`, {
      stage: state.stage,
      milestone: 'approval_recorded' satisfies DeploymentMilestone,
      approval,
      ...outcome,
    });
  }
  if (met) {
    ctx.decision = decide('switch', request);
    refreshGateDetails(ctx);
    return { activeService: 'green', ...outcome };
  }
  // The UI's current details say how many approvals are still wanted.
  refreshGateDetails(ctx);
  await syncSlack(ctx);
  return { activeService: 'blue', ...outcome };
}

/** The workflow's view for the gate's rules: its state, and the decision taken but not acted on yet. */
function gateView({ state, decision, rollbackRequested }: DeploymentContext): GateView {
  return { ...state, pending: decision?.action ?? rollbackRequested?.action };
}

/** Only a stop can happen inside the workflow; a completed deployment is rolled back by a new one (the API starts it). */
function rollbackRefusal(view: GateView): string | undefined {
  const plan = rollbackPlan(view);
  if (plan.kind === 'stop') return undefined;
  if (plan.kind === 'refused') return plan.message;
  return `Deployment ${view.deploymentId} completed meanwhile: ask again to redeploy its previous task definition`;
}

function requestRollback(ctx: DeploymentContext, request: DecisionRequest): void {
  const d = decide('rollback', request);
  if (ctx.state.status === 'DEPLOYMENT_READY') ctx.decision = d;
  else ctx.rollbackRequested = d;
  ctx.stagesScope.cancel();
}

/** The AfterAllowTestTraffic hook reached Switchyard: green is on the test listener. */
function recordTestTraffic(
  { log, seenProgress, input, state }: DeploymentContext,
  { codeDeployDeploymentId, hookExecutionId }: TestTrafficReady,
): boolean {
  if (seenProgress.has(`hook:${hookExecutionId}`)) return false;
  seenProgress.add(`hook:${hookExecutionId}`);
  state.testTrafficSince ??= new Date().toISOString();
  log.append('stage', 'ECS deployment: waiting for test', {
    stage: 4,
    codeDeployDeploymentId,
    hookExecutionId,
    testUrl: input.target.greenUrl,
  });
  return true;
}

async function answerTestTrafficHook(ctx: DeploymentContext, hook: TestTrafficHook): Promise<void> {
  recordTestTraffic(ctx, hook);
  const { input, slack, acts } = ctx;
  // The notice is a courtesy; CodeDeploy must hear back either way, or it fails the deployment in an hour.
  const notice = await slack
    .postTestTrafficNotice({
      deploymentId: input.deploymentId,
      codeDeployDeploymentId: hook.codeDeployDeploymentId,
      testUrl: input.target.greenUrl,
    })
    .catch(() => null);
  // Histories from before the notice had a ref record none (undefined): nothing to rewrite then.
  if (notice) ctx.testNotice = { ...notice, codeDeployDeploymentId: hook.codeDeployDeploymentId };
  await acts.reportLifecycleHookSucceeded({
    awsConnectionId: hook.awsConnectionId,
    codeDeployDeploymentId: hook.codeDeployDeploymentId,
    hookExecutionId: hook.hookExecutionId,
  });
}
