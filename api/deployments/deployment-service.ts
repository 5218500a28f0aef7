// Everything the deployment routes ask of Temporal: start (one running deployment per ECS
// service), read state (also after the workflow closed, with no worker), decide, list. Each job
// has its own module; this class holds the shared dependencies and gives them one face:
//   probe-hosts.ts (which probe URLs a request may name), deploy-target.ts (target over defaults),
//   deployment-input.ts (the workflow input, and the request read back from it), freeze-check.ts,
//   admission.ts, switch-rollback.ts, common/temporal/watch-heartbeat.ts, deployment-list.ts (visibility, with
//   queries built by visibility-query.ts). Its configuration: deployment-defaults.ts.
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { ConnectionStore } from '../../common/connections/connection-store.js';
import { pandaStyleId } from '../../common/ids.js';
import { DEFAULT_APPROVAL_POLICY, resolveSlackDefaults, type ApprovalPolicy } from '../../domain/approval-policy.js';
import type { Builder, DeploymentInput, DeploymentSnapshot, DeployTarget, WatchWindow } from '../../domain/deployment.js';
import type { Freeze } from '../../domain/freeze.js';
import type { ReleaseStrategy } from '../../domain/release-strategy.js';
import {
  deploymentEventsQuery,
  deploymentSnapshotQuery,
  type DecisionRequest,
  type SwitchOutcome,
} from '../../workflows/deployment/messages.js';
import type { AdmissionOutcome } from '../../workflows/service/messages.js';
import { canonicalServiceKey } from '../../workflows/service/service-key.js';
import type { EventsPage } from '../../workflows/shared/event-log.js';
import { ApiError, DEPLOYMENT_ERROR } from '../errors.js';
import type { FreezeService } from '../freezes/freeze-service.js';
import type { BusinessMetrics } from '../metrics/business.js';
import type { EventsFetcher } from '../streams/event-feed.js';
import { historyChanges, queryWithDeadline, readWorkflowState } from '../temporal-reads.js';
import type { UpdateBound } from '../temporal-update.js';
import { admit, type Requester } from './admission.js';
import { resolveTarget } from './deploy-target.js';
import type { DeploymentDefaults } from './deployment-defaults.js';
import { deploymentInput, startedRequest } from './deployment-input.js';
import { currentRelease, listDeployments, unswitchedDeployments, type DeploymentFilter } from './deployment-list.js';
import { refuseIfFrozen } from './freeze-check.js';
import { ProbeHostPolicy } from './probe-hosts.js';
import type { DeployRequest } from './deploy-request-schemas.js';
import { requireUsableSecrets } from './secret-gate.js';
import type { ReleaseGate } from './release-gate.js';
import type { SourceGate } from './source-gate.js';
import { rollback, switchTraffic, type DecisionDeps } from './switch-rollback.js';
import { watchWindowsOf } from '../../common/temporal/watch-heartbeat.js';

export type { Requester } from './admission.js';

export class DeploymentService {
  /** Business metrics, when the app exports them (api/metrics/business.ts). */
  metrics?: BusinessMetrics;

  /** Hosts a request's probe URLs may name: DEPLOY_PROBE_HOSTS and the default URLs' hosts. */
  private readonly probeHosts: ProbeHostPolicy;

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
    /** Reads the service's engine and plans its strategy (release-gate.ts); absent, every release is blue/green on CodeDeploy. */
    private readonly releaseGate?: ReleaseGate,
  ) {
    this.probeHosts = new ProbeHostPolicy(defaults.probeHosts, [defaults.target.blueUrl, defaults.target.greenUrl]);
  }

  private handle(id: string): WorkflowHandle {
    return this.client.workflow.getHandle(id);
  }

  /** Every update this service sends waits at most TEMPORAL_UPDATE_TIMEOUT_SECONDS (api/temporal-update.ts). */
  private bound(): UpdateBound {
    return { client: this.client, timeoutMs: this.defaults.updateTimeoutMs };
  }

  /** The request's target over the configured defaults (`fromClient`: check the probe URLs it names). */
  resolveTarget(request: DeployRequest, fromClient = true): DeployTarget {
    return resolveTarget(this.defaults.target, request, this.probeHosts, fromClient);
  }

  /**
   * Admits a deployment through its service's admission workflow. `deploymentId` may be given by
   * the caller (derived from a Slack trigger, say): a repeat of the same id is answered, not re-run.
   */
  async start(
    request: DeployRequest,
    requester: string | Requester,
    rollback?: DeploymentInput['rollback'],
    deploymentId = pandaStyleId('dep_'),
  ): Promise<AdmissionOutcome> {
    const { by: requestedBy, person } = typeof requester === 'string' ? { by: requester, person: undefined } : requester;
    if (!rollback) await refuseIfFrozen(this.freezes, this.defaults.target, request);
    const target = this.resolveTarget(request, rollback === undefined);
    const serviceKey = canonicalServiceKey(target.cluster, target.service);
    if ((await this.connections.get(request.githubConnectionId))?.kind !== 'github')
      throw new ApiError(400, 'GitHub connection not found', {}, DEPLOYMENT_ERROR);
    if ((await this.connections.get(request.awsConnectionId))?.kind !== 'aws')
      throw new ApiError(400, 'AWS connection not found', {}, DEPLOYMENT_ERROR);
    await requireUsableSecrets(this.connections, request, rollback !== undefined);
    // A rollback builds nothing: it redeploys a task definition.
    if (!rollback) await this.sourceGate?.(request);
    // A rollback redeploys a known-good task definition as the Panda deploy API does; a release is planned (or refused) before anything is built.
    const release = rollback ? undefined : await this.releaseGate?.(request.awsConnectionId, target, this.strategyFor(request, serviceKey));
    const input = deploymentInput(deploymentId, request, {
      target,
      builder: request.builder ?? this.defaults.builder,
      limits: this.defaults.limits,
      requestedBy,
      ...(person ? { requestedByPerson: person } : {}),
      ...(rollback ? { rollback } : {}),
      approvalPolicy: this.policyFor(serviceKey),
      ...(release ? { release } : {}),
    });
    const admission = { input, memo: { version: request.version ?? request.branch, branch: request.branch, requestedBy } };
    const { taskQueue, metrics } = this;
    return admit({ ...this.bound(), taskQueue, queueCapacity: this.defaults.queueCapacity, metrics }, admission, serviceKey);
  }

  /** The request's strategy, else the service's policy's; undefined: blue/green. */
  private strategyFor(request: DeployRequest, serviceKey: string): ReleaseStrategy | undefined {
    return request.target?.strategy ?? this.defaults.approvalPolicies?.strategyFor?.(serviceKey);
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
      unavailable: () =>
        new ApiError(503, `The state of ${id} cannot be read right now: no worker answered (the deployment itself is safe)`),
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

  /** Records an approval (switch-rollback.ts). */
  switchTraffic(id: string, request: DecisionRequest): Promise<SwitchOutcome> {
    return switchTraffic(this.decisionDeps(), id, request);
  }

  /** A stop before the switch, an undo of the current release after it (switch-rollback.ts). */
  rollback(
    id: string,
    request: DecisionRequest,
    rollbackDeploymentId?: string,
    options: { stopOnly?: boolean } = {},
  ): Promise<{ rollbackDeploymentId: string | null }> {
    return rollback(this.decisionDeps(), id, request, rollbackDeploymentId, options);
  }

  private decisionDeps(): DecisionDeps {
    return {
      handle: (id) => this.handle(id),
      bound: this.bound(),
      snapshot: (id) => this.snapshot(id),
      describeInput: (id) => this.describeInput(id),
      start: (request, requester, rollbackOf, deploymentId) =>
        this.start(request, requester, rollbackOf, ...(deploymentId ? [deploymentId] : [])),
      policyFor: (serviceKey) => this.policyFor(serviceKey),
      currentRelease: (serviceKey) => this.currentRelease(serviceKey),
      freezes: this.freezes,
      metrics: this.metrics,
      changed: this.changed,
    };
  }

  /** The service's current release: its deployment that completed last (visibility). */
  currentRelease(serviceKey: string): Promise<string | undefined> {
    return currentRelease(this.client, serviceKey, this.defaults.target.cluster);
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
      throw new ApiError(
        400,
        `Deployment ${id} deployed the head of ${started.branch}, which has moved on: deploy a tag or commit instead`,
        { deploymentId: id },
        DEPLOYMENT_ERROR,
      );
    }
    return this.start({ ...started, version }, requestedBy);
  }

  /** The original request of a deployment, from its first history event (deployment-input.ts). */
  private describeInput(id: string): Promise<DeployRequest & { target: DeployTarget; builder: Builder }> {
    return startedRequest(this.client, id);
  }

  /** The watched hold's latest windows (watch-heartbeat.ts); empty when nothing watches. */
  async watchWindows(id: string): Promise<WatchWindow[]> {
    return watchWindowsOf(
      await this.handle(id)
        .describe()
        .catch(() => undefined),
    );
  }

  /** The freeze covering this service now, if any (for /platform-status and the console). */
  async activeFreeze(serviceKey: string): Promise<Freeze | undefined> {
    return this.freezes?.covering(serviceKey);
  }

  /** Running deployments not yet switched, from visibility: what an emergency stop stops. */
  unswitched(limit = 1000): Promise<string[]> {
    return unswitchedDeployments(this.client, this.taskQueue, limit);
  }

  list(filter: DeploymentFilter) {
    return listDeployments(this.client, filter, this.defaults.target.cluster);
  }
}

function notFound(id: string): ApiError {
  return new ApiError(404, `Deployment not found: ${id}`, { deploymentId: id }, DEPLOYMENT_ERROR);
}

/**
 * What the routes use of DeploymentService: its public members. Routes depend on this type, so
 * the unit tier can serve them against a typed fake, without Temporal (test/unit/api).
 */
export type DeploymentOperations = Pick<DeploymentService, keyof DeploymentService>;
