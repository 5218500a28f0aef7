// One ECS service's deployments, one at a time (id = `deploy-service:<cluster>/<service>`). Every
// start goes through this workflow's admission update, so the rule holds across any number of API
// replicas: Temporal runs one execution per workflow id and applies its updates in order. It
// starts each deployment as a child (id = the deployment id), waits for it to end, starts the next
// queued one, and closes once idle: the next request starts a new run (update-with-start).
import {
  ApplicationFailure,
  ParentClosePolicy,
  WorkflowIdReusePolicy,
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  patched,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { DeployRepository, DeployService, SwitchyardKind, SwitchyardStatus } from '../../common/search-attributes.js';
import { supersededSignal } from '../deployment/messages.js';
import { deploymentWorkflow } from '../deployment/workflow.js';
import { decideAdmission } from './admission.js';
import { deploymentDetails, deploymentSummary } from '../../domain/run-summaries.js';
import { governanceActivities } from '../deployment/activity-proxies.js';
import { frozenMessage, type Freeze } from '../../domain/freeze.js';
import {
  ADMISSION_FROZEN,
  ADMISSION_REFUSALS,
  admitDeploymentUpdate,
  deploymentClosedSignal,
  freezesChangedSignal,
  serviceDeploymentsQuery,
  type AdmissionOutcome,
  type AdmissionRequest,
} from './messages.js';

export interface ServiceDeploymentsInput {
  serviceKey: string;
  /** Deployments that may wait behind the running one; 0 refuses while one runs. */
  queueCapacity: number;
  /** Carried over by continue-as-new. */
  queued?: AdmissionRequest[];
}

export interface ServiceDeploymentsSummary {
  serviceKey: string;
  deployments: string[];
}

export async function serviceDeploymentsWorkflow(params: ServiceDeploymentsInput): Promise<ServiceDeploymentsSummary> {
  const { serviceKey, queueCapacity } = params;
  const queue: AdmissionRequest[] = [...(params.queued ?? [])];
  const admitted = new Map<string, AdmissionOutcome>();
  const startFailures = new Map<string, string>();
  /** Deployments that were to start now, refused because a freeze covers the service. */
  const frozenRefusals = new Map<string, Freeze>();
  let heldBy: Freeze | undefined;
  let freezesChanged = 0;
  const deployments: string[] = [];
  let running: string | null = null;
  /** Deployments the API has seen closed, possibly before this workflow heard of it. */
  const closed = new Set<string>();

  /** Between its admission and its start, the head of an idle service's queue counts as running. */
  const view = () => {
    const ids = queue.map((q) => q.input.deploymentId);
    // A running deployment the API has seen closed no longer holds the service.
    const current = running !== null && !closed.has(running) ? running : null;
    return current !== null ? { running: current, queued: ids } : { running: ids[0] ?? null, queued: ids.slice(1) };
  };
  const state = () => ({ ...view(), admitted });
  /** A deployment whose policy supersedes waits behind the running one even with no queue configured. */
  const supersedes = (request: AdmissionRequest) => request.input.approvalPolicy?.onNewerDeployment === 'supersede';
  const capacityFor = (request: AdmissionRequest) => (supersedes(request) ? Math.max(queueCapacity, 1) : queueCapacity);
  setHandler(serviceDeploymentsQuery, () => ({ serviceKey, ...view(), ...(heldBy ? { heldBy: heldBy.id } : {}) }));
  setHandler(deploymentClosedSignal, ({ deploymentId }) => {
    closed.add(deploymentId);
  });
  setHandler(freezesChangedSignal, () => {
    freezesChanged += 1;
  });

  /**
   * Which queued request may start now: the head, unless a freeze covers the service; then the
   * first rollback (undoing is what a freeze allows), and none otherwise. A request that was to
   * start at once is refused (its caller hears why); the queued ones are held until the freeze
   * ends or changes. Undefined: nothing starts now (look again).
   */
  const nextStartable = async (): Promise<number | undefined> => {
    if (queue.every((request) => request.input.rollback)) return 0;
    const freeze = await governanceActivities().freezeCovering({ serviceKey });
    if (!freeze) return 0;
    const rollback = queue.findIndex((request) => request.input.rollback);
    if (rollback >= 0) return rollback;
    for (let i = queue.length - 1; i >= 0; i -= 1) {
      const id = queue[i]!.input.deploymentId;
      if (admitted.has(id)) continue;
      frozenRefusals.set(id, freeze);
      queue.splice(i, 1);
    }
    if (queue.length === 0) return undefined;
    heldBy = freeze;
    const [seenChanges, seenLength] = [freezesChanged, queue.length];
    await condition(
      () => freezesChanged !== seenChanges || queue.length !== seenLength,
      Math.max(Date.parse(freeze.endsAt) - Date.now(), 1000),
    );
    heldBy = undefined;
    return undefined;
  };
  setHandler(
    admitDeploymentUpdate,
    async (request) => {
      const id = request.input.deploymentId;
      const decision = decideAdmission(state(), id, capacityFor(request), serviceKey);
      if (decision.kind === 'repeat') return decision.outcome;
      if (decision.kind === 'refuse') throw refusal(decision.reason, decision.message, decision.runningDeploymentId);
      queue.push(request);
      if (decision.kind === 'queue') {
        const runningId = view().running!;
        const outcome: AdmissionOutcome = {
          outcome: 'queued',
          deploymentId: id,
          position: decision.position,
          runningDeploymentId: runningId,
        };
        admitted.set(id, outcome);
        // The older one steps aside at (or once at) its gate; this one starts when it has ended.
        if (supersedes(request))
          await getExternalWorkflowHandle(runningId)
            .signal(supersededSignal, { by: id })
            .catch(() => undefined);
        return outcome;
      }
      // The main loop starts it at once; answer when the deployment's workflow exists.
      await condition(() => admitted.has(id) || startFailures.has(id) || frozenRefusals.has(id));
      const freeze = frozenRefusals.get(id);
      if (freeze)
        throw ApplicationFailure.create({
          type: ADMISSION_FROZEN,
          message: frozenMessage(freeze, serviceKey),
          nonRetryable: true,
          details: [freeze],
        });
      const failure = startFailures.get(id);
      if (failure) throw ApplicationFailure.nonRetryable(failure, 'DeploymentStartFailed');
      return admitted.get(id)!;
    },
    {
      validator: (request) => {
        const decision = decideAdmission(state(), request.input.deploymentId, capacityFor(request), serviceKey);
        if (decision.kind === 'refuse') throw refusal(decision.reason, decision.message, decision.runningDeploymentId);
      },
    },
  );

  for (;;) {
    await condition(() => queue.length > 0 || allHandlersFinished());
    if (queue.length === 0) break;
    // A freeze holds the queue: nothing but a rollback starts while it is in force.
    const index = patched('admission-holds-for-freezes') ? await nextStartable() : 0;
    if (index === undefined) continue;
    const next = queue[index]!;
    const id = next.input.deploymentId;
    running = id;
    queue.splice(index, 1);
    let child;
    try {
      child = await startChild(deploymentWorkflow, {
        workflowId: id,
        args: [next.input],
        memo: next.memo,
        // A deployment id is never reused: a repeat of a finished deployment's request starts nothing.
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        // The deployment outlives this workflow's run (continue-as-new, termination by an operator).
        parentClosePolicy: ParentClosePolicy.ABANDON,
        // What the Temporal UI shows in place of the bare id (user metadata: replay ignores it).
        staticSummary: deploymentSummary(next.input),
        staticDetails: deploymentDetails(next.input),
        typedSearchAttributes: [
          { key: SwitchyardKind, value: 'deployment' },
          { key: SwitchyardStatus, value: 'IN_PROGRESS' },
          { key: DeployService, value: `${next.input.target.cluster}/${next.input.target.service}` },
          { key: DeployRepository, value: `${next.input.owner}/${next.input.repo}` },
        ],
      });
    } catch (error) {
      // Started before (by a request this run has not seen): the same answer, nothing new runs.
      if (error instanceof WorkflowExecutionAlreadyStartedError) admitted.set(id, { outcome: 'started', deploymentId: id });
      else startFailures.set(id, error instanceof Error ? error.message : String(error));
      running = null;
      continue;
    }
    admitted.set(id, { outcome: 'started', deploymentId: id });
    deployments.push(id);
    // How the deployment ends is its own business (its result, its history); this only waits,
    // for its result or for the API's word that it has closed, whichever comes first.
    await Promise.race([child.result().catch(() => undefined), condition(() => closed.has(id))]);
    closed.delete(id);
    running = null;
    if (queue.length > 0 && workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      return await continueAsNew<typeof serviceDeploymentsWorkflow>({ serviceKey, queueCapacity, queued: queue });
    }
  }
  return { serviceKey, deployments };
}

function refusal(reason: keyof typeof ADMISSION_REFUSALS, message: string, runningDeploymentId: string): ApplicationFailure {
  return ApplicationFailure.create({ type: ADMISSION_REFUSALS[reason], message, nonRetryable: true, details: [runningDeploymentId] });
}
