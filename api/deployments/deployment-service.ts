// Everything the deployment routes ask of Temporal: start (one running deployment per ECS
// service), read state (also after the workflow closed, with no worker), decide, list.
import { WorkflowUpdateRPCTimeoutOrCancelledError, type Client, type WorkflowHandle } from '@temporalio/client';
import type { ConnectionStore } from '../../common/connection-store.js';
import { seedStyleId } from '../../common/ids.js';
import { CodeDeployDeploymentId, DeployRepository, DeployService, DeployStage, SwitchyardStatus } from '../../common/search-attributes.js';
import { ADMISSION_FROZEN, ADMISSION_REFUSALS, deploymentClosedSignal, type AdmissionOutcome } from '../../workflows/service/messages.js';
import { canonicalServiceKey, serviceWorkflowId } from '../../workflows/service/service-key.js';
import type { EventsPage } from '../../workflows/shared/event-log.js';
import {
  deploymentEventsQuery, deploymentSnapshotQuery, rollbackUpdate, switchTrafficUpdate, type DecisionRequest, type SwitchOutcome,
} from '../../workflows/deployment/messages.js';
import { ALREADY_SWITCHED, rollbackPlan, switchRefusal } from '../../workflows/deployment/decisions.js';
import type { Builder, DeploymentInput, DeploymentLimits, DeploymentSnapshot, DeployTarget, WatchHeartbeat, WatchWindow } from '../../domain/deployment.js';
import { defaultPayloadConverter } from '@temporalio/common';
import type { ApprovalPolicies } from '../../common/approval-policies.js';
import { DEFAULT_APPROVAL_POLICY, resolveSlackDefaults, rollbackActorRefusal, type ApprovalPolicy } from '../../domain/approval-policy.js';
import { rollbackReasonRefusal, undoRefusal } from '../../workflows/deployment/decisions.js';
import { frozenMessage, type Freeze } from '../../domain/freeze.js';
import type { FreezeService } from '../freezes/freeze-service.js';
import { ApiError, DEPLOYMENT_ERROR } from '../errors.js';
import { sendAdmission } from './admission-update.js';
import { executeUpdateRetrying, historyChanges, queryWithDeadline, readStartInput, readWorkflowState, updateProblem, updateRefusal } from '../temporal-reads.js';
import type { EventsFetcher } from '../streams/event-hub.js';
import type { DeployRequest } from './schemas.js';
import type { SourceGate } from './source-gate.js';
import { requireUsableSecrets } from './secret-gate.js';
import { isForbiddenProbeAddress } from '../../common/probe-addresses.js';
import type { BusinessMetrics } from '../metrics/business.js';

export interface DeploymentDefaults {
  target: Partial<DeployTarget>;
  builder: Builder;
  limits: DeploymentLimits;
  /** Deployments that may wait behind a service's running one (DEPLOY_QUEUE_CAPACITY); 0 refuses with 409. */
  queueCapacity: number;
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

const TARGET_FIELDS: (keyof DeployTarget)[] = ['cluster', 'service', 'codeDeployApplication', 'codeDeployGroup', 'containerName', 'containerPort', 'blueUrl', 'greenUrl', 'buildWorkflow'];

/** Who starts a deployment: the name it is recorded under, and the person behind it when known. */
export interface Requester {
  by: string;
  person?: string | undefined;
}

export class DeploymentService {
  /** Business metrics, when the app exports them (api/metrics/business.ts). */
  metrics?: BusinessMetrics;

  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
    private readonly connections: ConnectionStore,
    private readonly defaults: DeploymentDefaults,
    /** Told when this service changed a deployment (switch, rollback): its event feeds poll at once. */
    private readonly changed: (deploymentId: string) => void = () => undefined,
    /** The freezes; absent, nothing is ever frozen. */
    private readonly freezes?: FreezeService,
    /** Refuses a commit its repository's branch and tags do not contain; absent, only the worker checks. */
    private readonly sourceGate?: SourceGate,
  ) {
    this.probeHosts = new Set((defaults.probeHosts ?? []).map((h) => h.toLowerCase()));
    for (const url of [defaults.target.blueUrl, defaults.target.greenUrl]) if (url) this.probeHosts.add(new URL(url).host.toLowerCase());
  }

  /** Hosts a request's probe URLs may name: DEPLOY_PROBE_HOSTS and the default URLs' hosts. */
  private readonly probeHosts: Set<string>;

  private handle(id: string): WorkflowHandle {
    return this.client.workflow.getHandle(id);
  }

  /**
   * The request's target over the configured defaults. `fromClient` (the default) checks the probe
   * URLs a client named; a rollback's target, read back from the deployment's own history, was
   * checked when that deployment started and must not be refused because configuration moved on.
   */
  resolveTarget(request: DeployRequest, fromClient = true): DeployTarget {
    for (const field of fromClient ? (['blueUrl', 'greenUrl'] as const) : []) {
      const url = request.target?.[field];
      if (url !== undefined && !this.probeHostAllowed(url)) {
        throw new ApiError(400, `target.${field} must be on an allowed probe host (${[...this.probeHosts].join(', ') || 'none configured'}): the worker fetches it; set DEPLOY_PROBE_HOSTS to allow more`, {}, DEPLOYMENT_ERROR);
      }
    }
    const merged: Partial<DeployTarget> = { ...this.defaults.target, ...request.target };
    merged.ecrRepository ??= `${request.owner}-${request.repo}`.toLowerCase();
    const missing = TARGET_FIELDS.filter((field) => merged[field] === undefined);
    if (missing.length > 0) {
      throw new ApiError(400, `Deploy target incomplete: give target.${missing.join(', target.')} in the request or configure their DEPLOY_* defaults`, {}, DEPLOYMENT_ERROR);
    }
    return merged as DeployTarget;
  }

  /** A URL is allowed when its `host:port` or its bare host name is listed (http and https only). */
  private probeHostAllowed(url: string): boolean {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return false;
    // Link-local and metadata addresses never, listed or not (the probe activity refuses them too).
    if (isForbiddenProbeAddress(parsed.hostname)) return false;
    return this.probeHosts.has(parsed.host.toLowerCase()) || this.probeHosts.has(parsed.hostname.toLowerCase());
  }

  /**
   * Admits a deployment through its service's admission workflow (update-with-start), so "one
   * deployment per service" holds across every API replica. `deploymentId` may be given by the
   * caller (derived from a Slack trigger, say): a repeat of the same id is answered, not re-run.
   */
  async start(request: DeployRequest, requester: string | Requester, rollback?: DeploymentInput['rollback'], deploymentId = seedStyleId('dep_')): Promise<AdmissionOutcome> {
    const { by: requestedBy, person } = typeof requester === 'string' ? { by: requester, person: undefined } : requester;
    // Frozen comes first, before anything else about the request is judged. A rollback restores a
    // known-good revision: a freeze stops change, not its undoing.
    const named = { cluster: request.target?.cluster ?? this.defaults.target.cluster, service: request.target?.service ?? this.defaults.target.service };
    if (!rollback && named.cluster && named.service) {
      const namedKey = canonicalServiceKey(named.cluster, named.service);
      const freeze = await this.freezes?.covering(namedKey);
      if (freeze) throw new ApiError(423, frozenMessage(freeze, namedKey), { freezeId: freeze.id, frozenUntil: freeze.endsAt }, DEPLOYMENT_ERROR);
    }
    const target = this.resolveTarget(request, rollback === undefined);
    const serviceKey = canonicalServiceKey(target.cluster, target.service);
    if ((await this.connections.get(request.githubConnectionId))?.kind !== 'github') throw new ApiError(400, 'GitHub connection not found', {}, DEPLOYMENT_ERROR);
    if ((await this.connections.get(request.awsConnectionId))?.kind !== 'aws') throw new ApiError(400, 'AWS connection not found', {}, DEPLOYMENT_ERROR);
    await requireUsableSecrets(this.connections, request, rollback !== undefined);
    // A rollback builds nothing: it redeploys a task definition.
    if (!rollback) await this.sourceGate?.(request);
    const input: DeploymentInput = {
      deploymentId,
      githubConnectionId: request.githubConnectionId,
      awsConnectionId: request.awsConnectionId,
      owner: request.owner,
      repo: request.repo,
      branch: request.branch,
      ...(request.version ? { version: request.version } : {}),
      target,
      builder: request.builder ?? this.defaults.builder,
      limits: this.defaults.limits,
      requestedBy,
      ...(person ? { requestedByPerson: person } : {}),
      ...(rollback ? { rollback } : {}),
      // Resolved now, so the workflow enforces the policy this deployment started under.
      approvalPolicy: this.policyFor(serviceKey),
    };
    const admission = { input, memo: { version: request.version ?? request.branch, branch: request.branch, requestedBy } };
    // The admission workflow closes when idle; an update that reaches it just as it closes is
    // answered "completed", and the next attempt starts a fresh run.
    for (let attempt = 1; ; attempt += 1) {
      try {
        const outcome = await sendAdmission(this.client, admission, serviceKey, this.taskQueue, this.defaults.queueCapacity);
        this.metrics?.admitted(serviceKey, outcome);
        return outcome;
      } catch (error) {
        const problem = updateProblem(error);
        if (problem?.kind === 'refused') {
          const running = String(problem.details[0] ?? '');
          // A deployment that has closed but still holds its service (the admission workflow has
          // not heard yet, say after a Temporal restart): tell it, and ask again.
          if (problem.type === ADMISSION_REFUSALS.busy && attempt < 3 && await this.releaseIfClosed(serviceKey, running)) continue;
          if (problem.type === ADMISSION_REFUSALS.busy || problem.type === ADMISSION_REFUSALS.queueFull) throw conflict(problem.message, running);
          if (problem.type === ADMISSION_FROZEN) {
            const freeze = problem.details[0] as Freeze | undefined;
            throw new ApiError(423, problem.message, { ...(freeze ? { freezeId: freeze.id, frozenUntil: freeze.endsAt } : {}) }, DEPLOYMENT_ERROR);
          }
          throw new ApiError(400, problem.message, { deploymentId }, DEPLOYMENT_ERROR);
        }
        if (attempt < 3 && admissionRaced(error)) continue;
        throw error;
      }
    }
  }

  /** The policy a deployment of this service starts under now, Slack's defaults resolved into it. */
  policyFor(serviceKey: string): ApprovalPolicy {
    const written = this.defaults.approvalPolicies?.for(serviceKey) ?? DEFAULT_APPROVAL_POLICY;
    return resolveSlackDefaults(written, this.defaults.slack ?? { approvers: [], deployers: [] });
  }

  /** The deployment's state: live from the workflow, or its final snapshot once closed. */
  async snapshot(id: string): Promise<DeploymentSnapshot> {
    const snapshot = await readWorkflowState(this.client, this.handle(id), deploymentSnapshotQuery, {
      notFound: () => notFound(id),
      unavailable: () => new ApiError(503, `The state of ${id} cannot be read right now: no worker answered (the deployment itself is safe)`),
      // A failed deployment's final snapshot travels as its failure's details.
      stateInFailure: true,
    });
    this.metrics?.deploymentRead(snapshot, this.defaults.limits.switchTimeoutMs);
    return snapshot;
  }

  /** The deployment's events for a shared feed, with the history long poll as its change hint. */
  eventFeed(id: string): EventsFetcher {
    return Object.assign((afterSeq: number) => this.events(id, afterSeq), { changes: historyChanges(this.client, id) });
  }

  events(id: string, afterSeq: number): Promise<EventsPage> {
    return queryWithDeadline(this.client, this.handle(id), () => notFound(id), deploymentEventsQuery, afterSeq);
  }

  /** Records an approval; traffic switches once the deployment's approval policy is met (the outcome says which). */
  async switchTraffic(id: string, request: DecisionRequest): Promise<SwitchOutcome> {
    // The seed lists "Deployment not found" among the switch's 400s.
    const snapshot = await this.snapshot(id).catch((error: unknown) => {
      if (error instanceof ApiError && error.status === 404) throw new ApiError(400, 'Deployment not found', { deploymentId: id }, DEPLOYMENT_ERROR);
      throw error;
    });
    // The gate's rules (workflows/deployment/decisions.ts) on the snapshot: the same answer, in the
    // same words, whether the workflow is still running or has already closed.
    const refusal = switchRefusal(snapshot);
    if (refusal) {
      const extras = refusal === ALREADY_SWITCHED ? { deploymentId: id } : { deploymentId: id, stage: snapshot.stage, deploymentStatus: snapshot.status };
      throw new ApiError(400, refusal, extras, DEPLOYMENT_ERROR);
    }
    // The freeze in force is a fact the workflow's validator weighs (only an admin's override passes it).
    const freeze = await this.freezes?.covering(canonicalServiceKey(snapshot.cluster, snapshot.service));
    let outcome: SwitchOutcome;
    try {
      outcome = await executeUpdateRetrying(this.handle(id), switchTrafficUpdate, [{ ...request, ...(freeze ? { frozen: { id: freeze.id, reason: freeze.reason, endsAt: freeze.endsAt } } : {}) }]);
    } catch (error) {
      throw refused(id, error, 'Traffic switch is not possible: the deployment has ended');
    }
    this.metrics?.approved(snapshot, outcome.activeService === 'green');
    this.changed(id);
    return outcome;
  }

  /**
   * Before the switch: stop with auto-rollback (the workflow's validator judges who may). After
   * completion: undo the service's current release by redeploying the task definition it
   * replaced; only the current release, never a rollback (going back further is a deployment of
   * the older version, through the gate), and only by those the service's policy allows. Allowed
   * during a freeze, and recorded as such.
   */
  async rollback(id: string, request: DecisionRequest, rollbackDeploymentId?: string, options: { stopOnly?: boolean } = {}): Promise<{ rollbackDeploymentId: string | null }> {
    const snapshot = await this.snapshot(id);
    const plan = rollbackPlan(snapshot);
    // An emergency stop stops what is not yet switched; it never redeploys what completed meanwhile.
    if (options.stopOnly && plan.kind === 'redeploy-previous') throw new ApiError(400, `Deployment ${id} completed meanwhile: traffic is on green, nothing was stopped`, { deploymentId: id }, DEPLOYMENT_ERROR);
    if (plan.kind === 'refused') {
      // The seed's extras: a completed deployment without a previous revision carries none.
      const extras = snapshot.status === 'COMPLETED' ? {} : { deploymentId: id, deploymentStatus: snapshot.status };
      throw new ApiError(400, plan.message, extras, DEPLOYMENT_ERROR);
    }
    if (plan.kind === 'redeploy-previous') {
      const serviceKey = canonicalServiceKey(snapshot.cluster, snapshot.service);
      await this.checkUndo(snapshot, serviceKey, request);
      const started = await this.describeInput(id);
      const freeze = await this.freezes?.covering(serviceKey);
      const { deploymentId: rollbackId } = await this.start(
        started,
        { by: request.by, ...(request.person ? { person: request.person } : {}) },
        {
          of: id, taskDefinitionArn: plan.taskDefinitionArn, via: request.via,
          ...(request.reason ? { reason: request.reason } : {}), ...(freeze ? { duringFreeze: freeze.id } : {}),
        },
        // A caller's own id (derived from a Slack request, say) makes a repeat answer the same rollback.
        ...(rollbackDeploymentId ? [rollbackDeploymentId] : []),
      );
      this.metrics?.rolledBack('undo');
      return { rollbackDeploymentId: rollbackId };
    }
    try {
      await executeUpdateRetrying(this.handle(id), rollbackUpdate, [request]);
    } catch (error) {
      throw refused(id, error, `Deployment ${id} has ended: nothing to roll back`);
    }
    this.metrics?.rolledBack('stop');
    this.changed(id);
    return { rollbackDeploymentId: null };
  }

  /** Undoing a completed release: who may (the service's policy now), and that it is the current one. */
  private async checkUndo(snapshot: DeploymentSnapshot, serviceKey: string, request: DecisionRequest): Promise<void> {
    const id = snapshot.deploymentId;
    const policy = this.policyFor(serviceKey);
    const notAllowed = rollbackActorRefusal(policy, serviceKey, request);
    if (notAllowed) throw new ApiError(403, notAllowed, { deploymentId: id }, DEPLOYMENT_ERROR);
    const noReason = rollbackReasonRefusal(policy, request, serviceKey);
    if (noReason) throw new ApiError(400, noReason, { deploymentId: id }, DEPLOYMENT_ERROR);
    const refusal = undoRefusal(snapshot, await this.currentRelease(serviceKey), serviceKey);
    if (refusal) throw new ApiError(400, refusal.message, { deploymentId: id, currentDeploymentId: refusal.currentDeploymentId }, DEPLOYMENT_ERROR);
  }

  /** The service's current release: its deployment that completed last (visibility). */
  async currentRelease(serviceKey: string): Promise<string | undefined> {
    const completed = await this.list({ status: 'COMPLETED', service: serviceKey, limit: 100 });
    return completed.sort((a, b) => Date.parse(b.closedAt ?? b.startedAt) - Date.parse(a.closedAt ?? a.startedAt))[0]?.deploymentId;
  }

  /**
   * A new deployment of the version an earlier one deployed (its commit when known): the way back
   * to any older release, through the gate, the policy and the freezes like every deployment.
   */
  async redeploy(id: string, requestedBy: string | Requester): Promise<AdmissionOutcome> {
    const snapshot = await this.snapshot(id);
    const started = await this.describeInput(id);
    const version = snapshot.sha ?? started.version;
    if (!version) {
      throw new ApiError(400, `Deployment ${id} deployed the head of ${started.branch}, which has moved on: deploy a tag or commit instead`, { deploymentId: id }, DEPLOYMENT_ERROR);
    }
    return this.start({ ...started, version }, requestedBy);
  }

  /** The original request of a deployment, from its first history event (no secrets live there). */
  private async describeInput(id: string): Promise<DeployRequest & { target: DeployTarget; builder: Builder }> {
    const input = await readStartInput<DeploymentInput>(this.client, id);
    if (!input) throw new ApiError(502, `The start input of ${id} cannot be read`, { deploymentId: id }, DEPLOYMENT_ERROR);
    return {
      githubConnectionId: input.githubConnectionId, awsConnectionId: input.awsConnectionId, owner: input.owner, repo: input.repo,
      branch: input.branch, ...(input.version ? { version: input.version } : {}), target: input.target, builder: input.builder,
    };
  }

  /**
   * The watched hold's latest windows, from its activity's heartbeat details (no query, no
   * history): what the result shows while the gate is open. Empty when nothing watches.
   */
  async watchWindows(id: string): Promise<WatchWindow[]> {
    const description = await this.handle(id).describe().catch(() => undefined);
    const watch = description?.raw.pendingActivities?.find((a) => a.activityType?.name === 'watchGreen');
    const payload = watch?.heartbeatDetails?.payloads?.[0];
    if (!payload) return [];
    return defaultPayloadConverter.fromPayload<WatchHeartbeat>(payload)?.windows ?? [];
  }

  /** The freeze covering this service now, if any (for /platform-status and the console). */
  async activeFreeze(serviceKey: string): Promise<Freeze | undefined> {
    return this.freezes?.covering(serviceKey);
  }

  /** True when `deploymentId` has closed: its service's admission workflow is then told so. */
  private async releaseIfClosed(serviceKey: string, deploymentId: string): Promise<boolean> {
    if (!deploymentId) return false;
    const description = await this.client.workflow.getHandle(deploymentId).describe().catch(() => undefined);
    if (!description || description.status.name === 'RUNNING') return false;
    await this.client.workflow.getHandle(serviceWorkflowId(serviceKey)).signal(deploymentClosedSignal, { deploymentId });
    // The signal is handled in the admission workflow's next task; the retried update queues behind it.
    return true;
  }

  /** Running deployments not yet switched (stages 1–4 or at the gate), from visibility: what an emergency stop stops. */
  async unswitched(limit = 1000): Promise<string[]> {
    const ids: string[] = [];
    // This Switchyard's deployments: those on its task queue (other installations may share the namespace).
    const query = `SwitchyardKind = 'deployment' AND ExecutionStatus = 'Running' AND SwitchyardStatus IN ('IN_PROGRESS', 'DEPLOYMENT_READY') AND TaskQueue = '${this.taskQueue.replace(/['\\]/g, '')}'`;
    for await (const execution of this.client.workflow.list({ query, pageSize: 100 })) {
      ids.push(execution.workflowId);
      if (ids.length >= limit) break;
    }
    return ids;
  }

  async list(filter: { status?: string; service?: string; repository?: string; limit: number }) {
    const clauses = [`SwitchyardKind = 'deployment'`];
    const quote = (v: string) => `'${v.replace(/['\\]/g, '')}'`;
    if (filter.status) clauses.push(`SwitchyardStatus = ${quote(filter.status)}`);
    if (filter.service) {
      // DeployService holds `cluster/service`; a bare service name means the default cluster's.
      const cluster = this.defaults.target.cluster;
      if (!filter.service.includes('/') && !cluster) throw new ApiError(400, 'service must be given as cluster/service (no default cluster is configured)');
      clauses.push(`DeployService = ${quote(filter.service.includes('/') ? filter.service : `${cluster}/${filter.service}`)}`);
    }
    if (filter.repository) clauses.push(`DeployRepository = ${quote(filter.repository)}`);
    const items = [];
    for await (const execution of this.client.workflow.list({ query: clauses.join(' AND '), pageSize: filter.limit })) {
      const attributes = execution.typedSearchAttributes;
      items.push({
        deploymentId: execution.workflowId,
        status: attributes.get(SwitchyardStatus) ?? execution.status.name,
        stage: attributes.get(DeployStage) ?? null,
        repository: attributes.get(DeployRepository) ?? null,
        version: typeof execution.memo?.version === 'string' ? execution.memo.version : null,
        service: attributes.get(DeployService) ?? null,
        codeDeployDeploymentId: attributes.get(CodeDeployDeploymentId) ?? null,
        startedAt: execution.startTime.toISOString(),
        closedAt: execution.closeTime?.toISOString() ?? null,
      });
      if (items.length >= filter.limit) break;
    }
    return items;
  }
}

function notFound(id: string): ApiError {
  return new ApiError(404, `Deployment not found: ${id}`, { deploymentId: id }, DEPLOYMENT_ERROR);
}

function conflict(message: string, running: string): ApiError {
  return new ApiError(409, message, { deploymentId: running, runningDeploymentId: running }, DEPLOYMENT_ERROR);
}

/** The admission workflow closed between the start and the update: safe to ask again. */
function admissionRaced(error: unknown): boolean {
  if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return true;
  return /workflow execution (is )?already completed|workflow execution not found/i.test(error instanceof Error ? error.message : '');
}

/** An update the workflow refused (validator) is the client's 400 with the workflow's words. */
function refused(id: string, error: unknown, closedMessage: string): unknown {
  // The approval policy not counting this person is theirs to hear as a 403; the rest are the seed's 400s.
  const status = (type?: string) => (type === 'NotApproved' ? 403 : type === 'Frozen' ? 423 : 400);
  const answer = (message: string, type?: string) => new ApiError(status(type), message, { deploymentId: id }, DEPLOYMENT_ERROR);
  // The deployment was just read: "not found" now means its workflow has closed meanwhile.
  return updateRefusal(error, { refused: answer, closed: () => answer(closedMessage) });
}
