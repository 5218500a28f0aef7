// Everything the deployment routes ask of Temporal: start (one running deployment per ECS
// service), read state (also after the workflow closed, with no worker), decide, list.
import {
  WorkflowFailedError, WorkflowNotFoundError, WorkflowUpdateFailedError, type Client, type WorkflowHandle,
} from '@temporalio/client';
import { ApplicationFailure, defaultPayloadConverter } from '@temporalio/common';
import type { ConnectionStore } from '../../common/connection-store.js';
import { seedStyleId } from '../../common/ids.js';
import { CodeDeployDeploymentId, DeployRepository, DeployService, DeployStage, SwitchyardKind, SwitchyardStatus } from '../../common/search-attributes.js';
import type { EventsPage } from '../../workflows/shared/event-log.js';
import {
  deploymentEventsQuery, deploymentSnapshotQuery, rollbackUpdate, switchTrafficUpdate, type DecisionRequest,
} from '../../workflows/deployment/messages.js';
import type { Builder, DeploymentInput, DeploymentLimits, DeploymentSnapshot, DeployTarget } from '../../workflows/deployment/types.js';
import { ApiError, DEPLOYMENT_ERROR } from '../errors.js';
import type { DeployRequest } from './schemas.js';

export interface DeploymentDefaults {
  target: Partial<DeployTarget>;
  builder: Builder;
  limits: DeploymentLimits;
}

const QUERY_DEADLINE_MS = 5000;
const TARGET_FIELDS: (keyof DeployTarget)[] = ['cluster', 'service', 'codeDeployApplication', 'codeDeployGroup', 'containerName', 'containerPort', 'blueUrl', 'greenUrl', 'buildWorkflow'];

export class DeploymentService {
  /** Start requests in flight per service in this process. */
  private readonly starting = new Map<string, string>();
  /**
   * The last deployment this process started per service: visibility is eventually consistent, so
   * a run started a moment ago may not be listed yet. Checked with describe(), which is not.
   */
  private readonly lastStarted = new Map<string, string>();

  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
    private readonly connections: ConnectionStore,
    private readonly defaults: DeploymentDefaults,
  ) {}

  private handle(id: string): WorkflowHandle {
    return this.client.workflow.getHandle(id);
  }

  resolveTarget(request: DeployRequest): DeployTarget {
    const merged: Partial<DeployTarget> = { ...this.defaults.target, ...request.target };
    merged.ecrRepository ??= `${request.owner}-${request.repo}`.toLowerCase();
    const missing = TARGET_FIELDS.filter((field) => merged[field] === undefined);
    if (missing.length > 0) {
      throw new ApiError(400, `Deploy target incomplete: give target.${missing.join(', target.')} in the request or configure their DEPLOY_* defaults`, {}, DEPLOYMENT_ERROR);
    }
    return merged as DeployTarget;
  }

  async start(request: DeployRequest, requestedBy: string, rollback?: DeploymentInput['rollback']): Promise<string> {
    if (this.connections.get(request.githubConnectionId)?.kind !== 'github') throw new ApiError(400, 'GitHub connection not found', {}, DEPLOYMENT_ERROR);
    if (this.connections.get(request.awsConnectionId)?.kind !== 'aws') throw new ApiError(400, 'AWS connection not found', {}, DEPLOYMENT_ERROR);
    const target = this.resolveTarget(request);
    const serviceKey = `${target.cluster}/${target.service}`;
    const deploymentId = seedStyleId('dep_');
    const inFlight = this.starting.get(serviceKey);
    if (inFlight) throw conflict(serviceKey, inFlight);
    this.starting.set(serviceKey, deploymentId);
    try {
      const running = await this.runningFor(serviceKey);
      if (running) throw conflict(serviceKey, running);
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
        ...(rollback ? { rollback } : {}),
      };
      this.lastStarted.set(serviceKey, deploymentId);
      await this.client.workflow.start('deploymentWorkflow', {
        workflowId: deploymentId,
        taskQueue: this.taskQueue,
        args: [input],
        // Shown in listings without a query; never a secret.
        memo: { version: request.version ?? request.branch, branch: request.branch, requestedBy },
        typedSearchAttributes: [
          { key: SwitchyardKind, value: 'deployment' },
          { key: SwitchyardStatus, value: 'IN_PROGRESS' },
          { key: DeployService, value: serviceKey },
          { key: DeployRepository, value: `${request.owner}/${request.repo}` },
        ],
      });
      return deploymentId;
    } finally {
      this.starting.delete(serviceKey);
    }
  }

  /** The deployment running for this service, if any. Visibility finds candidates; describe() confirms. */
  private async runningFor(serviceKey: string): Promise<string | undefined> {
    const candidates = new Set<string>();
    const recent = this.lastStarted.get(serviceKey);
    if (recent) candidates.add(recent);
    const query = `SwitchyardKind = 'deployment' AND DeployService = '${serviceKey.replace(/'/g, '')}' AND ExecutionStatus = 'Running'`;
    for await (const execution of this.client.workflow.list({ query, pageSize: 10 })) candidates.add(execution.workflowId);
    for (const id of candidates) {
      const description = await this.handle(id).describe().catch(() => undefined);
      if (description?.status.name === 'RUNNING') return id;
    }
    return undefined;
  }

  /** The deployment's state: live from the workflow, or its final snapshot once closed. */
  async snapshot(id: string): Promise<DeploymentSnapshot> {
    const handle = this.handle(id);
    try {
      return await this.client.connection.withDeadline(Date.now() + QUERY_DEADLINE_MS, () => handle.query(deploymentSnapshotQuery));
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) throw notFound(id);
      const description = await handle.describe().catch(() => undefined);
      if (!description) throw notFound(id);
      if (description.status.name === 'COMPLETED') return (await handle.result()) as DeploymentSnapshot;
      if (description.status.name === 'FAILED') {
        try {
          await handle.result();
        } catch (failure) {
          const cause = failure instanceof WorkflowFailedError ? failure.cause : undefined;
          const details = cause instanceof ApplicationFailure ? (cause.details?.[0] as DeploymentSnapshot | undefined) : undefined;
          if (details) return details;
        }
      }
      throw new ApiError(503, `The state of ${id} cannot be read right now: no worker answered (the deployment itself is safe)`);
    }
  }

  async events(id: string, afterSeq: number): Promise<EventsPage> {
    try {
      return await this.client.connection.withDeadline(Date.now() + QUERY_DEADLINE_MS, () => this.handle(id).query(deploymentEventsQuery, afterSeq));
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) throw notFound(id);
      throw error;
    }
  }

  async switchTraffic(id: string, request: DecisionRequest): Promise<void> {
    const snapshot = await this.snapshot(id);
    // The seed's answers, also for a deployment whose workflow has already closed.
    if (snapshot.finalService === 'green' || snapshot.status === 'SWITCHING' || snapshot.status === 'COMPLETED') {
      throw new ApiError(400, 'Traffic has already been switched to green', { deploymentId: id }, DEPLOYMENT_ERROR);
    }
    if (snapshot.status !== 'DEPLOYMENT_READY') {
      throw new ApiError(400, `Deployment is not ready for traffic switch. Current stage: ${snapshot.stage}`, { deploymentId: id, stage: snapshot.stage, status: snapshot.status }, DEPLOYMENT_ERROR);
    }
    try {
      await this.handle(id).executeUpdate(switchTrafficUpdate, { args: [request] });
    } catch (error) {
      throw refused(id, error, 'Traffic switch is not possible: the deployment has ended');
    }
  }

  /** Before the switch: stop with auto-rollback. After completion: redeploy the previous known-good revision. */
  async rollback(id: string, request: DecisionRequest): Promise<{ rollbackDeploymentId: string | null }> {
    const snapshot = await this.snapshot(id);
    if (snapshot.status === 'COMPLETED') {
      if (!snapshot.previousTaskDefinitionArn) throw new ApiError(400, `Deployment ${id} has no previous task definition to roll back to`, {}, DEPLOYMENT_ERROR);
      const started = await this.describeInput(id);
      const rollbackId = await this.start(
        { ...started, target: started.target, builder: started.builder },
        request.by,
        { of: id, taskDefinitionArn: snapshot.previousTaskDefinitionArn },
      );
      return { rollbackDeploymentId: rollbackId };
    }
    try {
      await this.handle(id).executeUpdate(rollbackUpdate, { args: [request] });
    } catch (error) {
      throw refused(id, error, `Deployment ${id} has ended (${snapshot.status}) and cannot be rolled back`);
    }
    return { rollbackDeploymentId: null };
  }

  /** The original request of a deployment, from its first history event (no secrets live there). */
  private async describeInput(id: string): Promise<DeployRequest & { target: DeployTarget; builder: Builder }> {
    const history = await this.handle(id).fetchHistory();
    const payload = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
    const input = defaultPayloadConverter.fromPayload<DeploymentInput>(payload!);
    return {
      githubConnectionId: input.githubConnectionId, awsConnectionId: input.awsConnectionId, owner: input.owner, repo: input.repo,
      branch: input.branch, ...(input.version ? { version: input.version } : {}), target: input.target, builder: input.builder,
    };
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

function conflict(serviceKey: string, running: string): ApiError {
  return new ApiError(409, `Deployment ${running} is already running for ECS service ${serviceKey}`, { deploymentId: running, runningDeploymentId: running }, DEPLOYMENT_ERROR);
}

/** An update the workflow refused (validator) is the client's 400 with the workflow's words. */
function refused(id: string, error: unknown, closedMessage: string): unknown {
  if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
    return new ApiError(400, error.cause.message, { deploymentId: id }, DEPLOYMENT_ERROR);
  }
  if (error instanceof WorkflowNotFoundError) return notFound(id);
  if (/completed|closed|already/i.test(error instanceof Error ? error.message : '')) return new ApiError(400, closedMessage, { deploymentId: id }, DEPLOYMENT_ERROR);
  return error;
}
