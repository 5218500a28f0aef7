// One WebSocket client: its rate window, subscriptions and watched workflows. Every message is
// checked (rate, size, JSON, envelope, type, data schema, role) and a bad one only ever earns an
// `error` message: the connection stays open.
import { Buffer } from 'node:buffer';
import type { z, ZodError } from 'zod';
import type { Role } from '../../common/config.js';
import type { Logger } from '../../common/logger.js';
import type { WorkflowEvent } from '../../workflows/shared/event-log.js';
import { roleAllows, type Principal } from '../auth.js';
import type { DeploymentService } from '../deployments/deployment-service.js';
import type { DistributionService } from '../distribution/service.js';
import { ApiError } from '../errors.js';
import type { WorkflowEventHub } from '../streams/event-hub.js';
import type { DeploymentDiscovery, DiscoveryQuery } from './discovery.js';
import { discoveryKey } from './discovery.js';
import {
  ClientInfoSchema, CLIENT_MESSAGE_TYPES, DeploymentControlSchema, DistributionControlSchema, EnvelopeSchema, errorMessage, EVENT_TYPES,
  issuesOf, message, PingSchema, resolveEventTypes, SubscribeSchema, UnsubscribeSchema,
  type AlertLevel, type ClientMessageType, type Envelope, type ErrorCode, type EventType, type ServerMessage,
} from './protocol.js';
import { WS_OPEN, type RawSocket } from './ws-types.js';

export interface WsLimits {
  /** Largest accepted message (the seed: 1 MB). Larger ones get INVALID_MESSAGE_FORMAT. */
  maxMessageBytes: number;
  /** Frames above this are not even read: `ws` closes the connection with 1009. */
  hardMaxPayloadBytes: number;
  /** Messages per client per `rateWindowMs` (the seed: 10 per second). */
  messagesPerWindow: number;
  rateWindowMs: number;
  /** Open connections per API key (the seed: 5 per client) and in all (1000). */
  connectionsPerKey: number;
  maxConnections: number;
  /** Closed after this long without a client message (the seed: 5 minutes). */
  idleTimeoutMs: number;
  /** Protocol pings this often; a client that has not answered the previous one is dropped. */
  heartbeatMs: number;
  /** A client that lets this much pile up unsent is too slow and is closed (1008). */
  maxBufferedBytes: number;
  /** How often service/status subscriptions look for new deployments (one poller per query). */
  discoveryIntervalMs: number;
  /** Frames sent to a client per `outboundWindowMs` (the seed: 5 broadcasts a second); more are batched. */
  outboundPerWindow: number;
  outboundWindowMs: number;
}

export const SEED_WS_LIMITS: WsLimits = {
  maxMessageBytes: 1024 * 1024,
  hardMaxPayloadBytes: 4 * 1024 * 1024,
  messagesPerWindow: 10,
  rateWindowMs: 1000,
  connectionsPerKey: 5,
  maxConnections: 1000,
  idleTimeoutMs: 5 * 60_000,
  heartbeatMs: 30_000,
  maxBufferedBytes: 8 * 1024 * 1024,
  discoveryIntervalMs: 2000,
  outboundPerWindow: 5,
  outboundWindowMs: 1000,
};

export interface SessionDeps {
  hub: WorkflowEventHub;
  deployments: DeploymentService;
  distributions: DistributionService;
  discovery: DeploymentDiscovery;
  logger: Logger;
  limits: WsLimits;
}

type Kind = 'deployment' | 'distribution';

interface Watch {
  kind: Kind;
  id: string;
  lastSeq: number;
  /** The discovery query that found it, if any: unsubscribing that query drops it. */
  source?: string;
  unsubscribe?: () => void;
  ended: boolean;
  closed: boolean;
  failing: boolean;
}

/** The stage message that means "green is up, waiting for someone to switch". */
const WAITING_FOR_APPROVAL = '[Stage 4] Green 서비스 배포 완료';
const ROLE_FOR_DEPLOYMENT_CONTROL: Role = 'approver';
const ROLE_FOR_DISTRIBUTION_CONTROL: Role = 'deployer';

export class WsSession {
  clientId: string;
  readonly connectedAt = Date.now();
  /** Set false at each heartbeat ping, true again by the pong. */
  alive = true;
  private readonly eventTypes = new Set<EventType>();
  private alertLevels: Set<AlertLevel> | undefined;
  private readonly watches = { deployment: new Map<string, Watch>(), distribution: new Map<string, Watch>() };
  private readonly discoveries = new Map<string, () => void>();
  private readonly received: number[] = [];
  private rateErrorSentAt = -Infinity;
  private idleTimer: NodeJS.Timeout;
  private disposed = false;
  /** When the last frames were sent (at most outboundPerWindow within outboundWindowMs). */
  private readonly sentAt: number[] = [];
  /** Messages held back by the outbound rate, sent as one `batch` when the window allows. */
  private pending: ServerMessage[] = [];
  private flushTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly connectionId: string,
    readonly principal: Principal,
    private readonly socket: RawSocket,
    private readonly deps: SessionDeps,
  ) {
    this.clientId = connectionId;
    this.idleTimer = setTimeout(() => this.close(1000, 'Idle timeout'), deps.limits.idleTimeoutMs);
    this.idleTimer.unref();
  }

  /** Sends now if the outbound rate allows, else holds it for the next batch (order kept). */
  send(msg: ServerMessage): void {
    if (this.disposed || this.socket.readyState !== WS_OPEN) return;
    this.pending.push(msg);
    this.flush();
  }

  private flush(fromTimer = false): void {
    if (fromTimer) this.flushTimer = undefined;
    else if (this.flushTimer) return; // already waiting for the window: the timer sends everything held
    if (this.disposed || this.socket.readyState !== WS_OPEN || this.pending.length === 0) return;
    const { outboundPerWindow, outboundWindowMs } = this.deps.limits;
    const now = Date.now();
    while (this.sentAt.length > 0 && now - this.sentAt[0]! >= outboundWindowMs) this.sentAt.shift();
    if (this.sentAt.length >= outboundPerWindow) {
      if (!this.flushTimer) {
        this.flushTimer = setTimeout(() => this.flush(true), Math.max(1, this.sentAt[0]! + outboundWindowMs - now));
      }
      return;
    }
    if (this.socket.bufferedAmount > this.deps.limits.maxBufferedBytes) {
      this.close(1008, 'Client too slow: messages are piling up');
      return;
    }
    const held = this.pending;
    this.pending = [];
    const frame = held.length === 1 ? held[0]! : message('batch', { count: held.length, messages: held });
    this.sentAt.push(now);
    this.socket.send(JSON.stringify(frame));
  }

  private fail(code: ErrorCode, text: string, details: Record<string, unknown> = {}): void {
    this.send(errorMessage(code, text, details, this.clientId));
  }

  close(code: number, reason: string): void {
    if (this.socket.readyState === WS_OPEN) this.socket.close(code, reason);
    this.dispose();
  }

  /** Stops every watch and timer; the socket's close handler calls it too. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.idleTimer);
    clearTimeout(this.flushTimer);
    this.pending = [];
    for (const stop of this.discoveries.values()) stop();
    this.discoveries.clear();
    for (const map of Object.values(this.watches)) {
      for (const watch of map.values()) this.stopWatch(watch);
      map.clear();
    }
  }

  /** One incoming frame, whatever it holds. */
  handle(raw: unknown): void {
    if (this.disposed) return;
    this.idleTimer.refresh();
    if (!this.withinRate()) return;
    if (typeof raw !== 'string') {
      this.fail('INVALID_MESSAGE_FORMAT', 'Binary frames are not accepted: send UTF-8 JSON text', { expected_fields: ['type', 'data'] });
      return;
    }
    const bytes = Buffer.byteLength(raw, 'utf8');
    if (bytes > this.deps.limits.maxMessageBytes) {
      this.fail('INVALID_MESSAGE_FORMAT', `Message too large: ${bytes} bytes, at most ${this.deps.limits.maxMessageBytes}`, {
        max_bytes: this.deps.limits.maxMessageBytes, received_bytes: bytes,
      });
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      this.fail('INVALID_MESSAGE_FORMAT', 'Message is not valid JSON', { expected_fields: ['type', 'data'], received_message: raw.slice(0, 200) });
      return;
    }
    const type = (parsed as { type?: unknown } | null)?.type;
    if (typeof type === 'string' && !(CLIENT_MESSAGE_TYPES as readonly string[]).includes(type)) {
      this.fail('UNKNOWN_MESSAGE_TYPE', `Unknown message type: ${type.slice(0, 64)}`, { received_type: type.slice(0, 64), supported_types: CLIENT_MESSAGE_TYPES });
      return;
    }
    const envelope = EnvelopeSchema.safeParse(parsed);
    if (!envelope.success) {
      this.fail('INVALID_MESSAGE_FORMAT', 'Message must be an object with a string "type" and an object "data"', {
        expected_fields: ['type', 'data'], issues: issuesOf(envelope.error), received_message: raw.slice(0, 200),
      });
      return;
    }
    this.dispatch(envelope.data).catch((error: unknown) => {
      this.deps.logger.error({ err: error, type: envelope.data.type, client: this.connectionId }, 'websocket message failed');
      this.fail('INTERNAL_SERVER_ERROR', 'The message could not be processed', { received_type: envelope.data.type });
    });
  }

  /** Sliding window; one RATE_LIMIT_EXCEEDED per window, however long the burst. */
  private withinRate(): boolean {
    const { messagesPerWindow, rateWindowMs } = this.deps.limits;
    const now = Date.now();
    while (this.received.length > 0 && now - this.received[0]! >= rateWindowMs) this.received.shift();
    if (this.received.length < messagesPerWindow) {
      this.received.push(now);
      return true;
    }
    if (now - this.rateErrorSentAt >= rateWindowMs) {
      this.rateErrorSentAt = now;
      const retryAfter = rateWindowMs - (now - this.received[0]!);
      this.fail('RATE_LIMIT_EXCEEDED', `At most ${messagesPerWindow} messages per ${rateWindowMs} ms: messages are dropped until then`, {
        limit: messagesPerWindow, window_ms: rateWindowMs, retry_after_ms: retryAfter,
      });
    }
    return false;
  }

  private async dispatch(envelope: Envelope): Promise<void> {
    const type = envelope.type as ClientMessageType;
    const invalid = (error: ZodError) =>
      this.fail('INVALID_MESSAGE_FORMAT', `Invalid data for ${type}`, { received_type: type, issues: issuesOf(error) });
    switch (type) {
      case 'client_info': {
        const data = ClientInfoSchema.safeParse(envelope.data);
        if (!data.success) return invalid(data.error);
        if (data.data.client_id) this.clientId = data.data.client_id;
        this.deps.logger.info({ client: this.connectionId, clientId: this.clientId, clientType: data.data.client_type }, 'websocket client info');
        this.send(message('client_info_ack', { client_id: this.clientId, connection_id: this.connectionId, role: this.principal.role }, { client_id: this.clientId }));
        return;
      }
      case 'ping': {
        const data = PingSchema.safeParse(envelope.data);
        if (!data.success) return invalid(data.error);
        const now = new Date();
        const clientTime = data.data.client_time ?? envelope.timestamp;
        const latency = clientTime === undefined ? null : Math.max(0, now.getTime() - Date.parse(clientTime));
        this.send({
          type: 'pong',
          data: { client_time: clientTime ?? null, server_time: now.toISOString(), latency_ms: latency },
          timestamp: now.toISOString(),
          client_id: this.clientId,
        });
        return;
      }
      case 'subscribe': {
        const data = SubscribeSchema.safeParse(envelope.data);
        if (!data.success) return invalid(data.error);
        return this.subscribe(data.data);
      }
      case 'unsubscribe': {
        const data = UnsubscribeSchema.safeParse(envelope.data);
        if (!data.success) return invalid(data.error);
        return this.unsubscribe(data.data);
      }
      case 'deployment_control': {
        const data = DeploymentControlSchema.safeParse(envelope.data);
        if (!data.success) return invalid(data.error);
        return this.deploymentControl(data.data);
      }
      case 'distribution_control': {
        const data = DistributionControlSchema.safeParse(envelope.data);
        if (!data.success) return invalid(data.error);
        return this.distributionControl(data.data);
      }
    }
  }

  // ── subscriptions ────────────────────────────────────────────────────────────────────────────

  private subscribe(data: z.infer<typeof SubscribeSchema>): void {
    const requested = data.event_types === undefined ? { types: [...EVENT_TYPES], unknown: [] } : resolveEventTypes(data.event_types);
    for (const type of requested.types) this.eventTypes.add(type);
    const filters = data.filters ?? {};
    if (filters.alert_levels) this.alertLevels = new Set(filters.alert_levels);
    const services = [...new Set([...(filters.service_ids ?? []), ...(filters.services ?? [])])];
    const statuses = filters.statuses ?? [];
    const queries: DiscoveryQuery[] = [];
    for (const service of services.length > 0 ? services : [undefined]) {
      for (const status of statuses.length > 0 ? statuses : [undefined]) {
        if (service !== undefined || status !== undefined) queries.push({ ...(service ? { service } : {}), ...(status ? { status } : {}) });
      }
    }
    const deploymentIds = [...new Set(filters.deployment_ids ?? [])];
    const eventIds = [...new Set(filters.event_ids ?? [])];
    // No workflow named anywhere in this session: watch every running deployment.
    const watchesNothing = this.watches.deployment.size + this.watches.distribution.size + this.discoveries.size === 0;
    if (watchesNothing && queries.length === 0 && deploymentIds.length === 0 && eventIds.length === 0
      && (this.eventTypes.has('deployment_event') || this.eventTypes.has('alert'))) {
      queries.push({});
    }
    const since = data.since_seq;
    // Watches register synchronously and deliver only after the hub's first answer, so the
    // acknowledgement (which lists them) always comes before their events.
    for (const id of deploymentIds) void this.startWatch('deployment', id, since);
    for (const id of eventIds) void this.startWatch('distribution', id, since);
    for (const query of queries) this.startDiscovery(query);
    this.send(message('subscribed', { ...this.summary(), since_seq: since ?? 0, ...unknownWarnings(requested.unknown) }, { client_id: this.clientId }));
  }

  private unsubscribe(data: z.infer<typeof UnsubscribeSchema>): void {
    const everything = data.event_types === undefined && data.filters === undefined;
    const requested = resolveEventTypes(data.event_types ?? []);
    for (const type of everything ? EVENT_TYPES : requested.types) this.eventTypes.delete(type);
    const filters = data.filters ?? {};
    if (everything) {
      for (const stop of this.discoveries.values()) stop();
      this.discoveries.clear();
      for (const map of Object.values(this.watches)) {
        for (const watch of map.values()) this.stopWatch(watch);
        map.clear();
      }
      this.alertLevels = undefined;
    }
    for (const id of filters.deployment_ids ?? []) this.dropWatch('deployment', id);
    for (const id of filters.event_ids ?? []) this.dropWatch('distribution', id);
    if (filters.alert_levels && this.alertLevels) for (const level of filters.alert_levels) this.alertLevels.delete(level);
    const services = [...(filters.service_ids ?? []), ...(filters.services ?? [])];
    const statuses: (string | undefined)[] = filters.statuses ?? [];
    for (const [key, stop] of [...this.discoveries]) {
      const [service, status] = JSON.parse(key) as [string | null, string | null];
      if ((service !== null && services.includes(service)) || (status !== null && statuses.includes(status))) {
        stop();
        this.discoveries.delete(key);
        for (const watch of [...this.watches.deployment.values()]) if (watch.source === key) this.dropWatch('deployment', watch.id);
      }
    }
    this.send(message('unsubscribed', { ...this.summary(), ...unknownWarnings(requested.unknown) }, { client_id: this.clientId }));
  }

  private summary(): Record<string, unknown> {
    return {
      event_types: [...this.eventTypes],
      alert_levels: this.alertLevels ? [...this.alertLevels] : null,
      deployment_ids: [...this.watches.deployment.keys()],
      event_ids: [...this.watches.distribution.keys()],
      discovery: [...this.discoveries.keys()].map((key) => {
        const [service, status] = JSON.parse(key) as [string | null, string | null];
        return { service, status };
      }),
    };
  }

  private startDiscovery(query: DiscoveryQuery): void {
    const key = discoveryKey(query);
    if (this.discoveries.has(key)) return;
    const stop = this.deps.discovery.watch(query, {
      found: (ids) => {
        for (const id of ids) if (!this.watches.deployment.has(id)) void this.startWatch('deployment', id, undefined, key);
      },
      failed: (error) => this.reportFailure(error, { service: query.service ?? null, status: query.status ?? null }),
    });
    this.discoveries.set(key, stop);
  }

  /** Watches one workflow through the shared hub; `since` replays history after that seq (default: all of it). */
  private async startWatch(kind: Kind, id: string, since: number | undefined, source?: string): Promise<void> {
    const map = this.watches[kind];
    const existing = map.get(id);
    // Already watched: only an explicit since_seq restarts it (a replay the client asked for).
    if (existing && since === undefined) return;
    if (existing) this.stopWatch(existing);
    const watch: Watch = { kind, id, lastSeq: since ?? 0, ended: false, closed: false, failing: false, ...(source ? { source } : {}) };
    map.set(id, watch);
    const fetch = kind === 'deployment'
      ? (after: number) => this.deps.deployments.events(id, after)
      : (after: number) => this.deps.distributions.events(id, after);
    try {
      const unsubscribe = await this.deps.hub.subscribe(`${kind}:${id}`, fetch, watch.lastSeq, {
        onEvents: (events, terminal) => this.deliver(watch, events, terminal),
        onError: (error) => {
          if (watch.failing || watch.closed) return;
          watch.failing = true;
          this.deps.logger.warn({ err: error, kind, id }, 'websocket event feed interrupted');
          this.fail('INTERNAL_SERVER_ERROR', `Events of ${kind} ${id} are delayed: reading them failed, retrying`, { [idField(kind)]: id });
        },
      });
      watch.unsubscribe = unsubscribe;
      if (watch.closed || watch.ended) this.stopWatch(watch);
    } catch (error) {
      if (map.get(id) === watch) map.delete(id);
      watch.closed = true;
      this.reportFailure(error, { [idField(kind)]: id });
    }
  }

  private deliver(watch: Watch, events: WorkflowEvent[], terminal: boolean): void {
    if (watch.closed || this.disposed) return;
    watch.failing = false;
    for (const event of events) {
      // Each event once and in order, whatever the hub hands over.
      if (event.seq <= watch.lastSeq) continue;
      watch.lastSeq = event.seq;
      this.emit(watch, event);
    }
    if (terminal) {
      // Nothing more will come: release the hub's feed, keep the entry so discovery does not re-add it.
      watch.ended = true;
      if (watch.unsubscribe) queueMicrotask(() => this.stopWatch(watch));
    }
  }

  private emit(watch: Watch, event: WorkflowEvent): void {
    const base = { seq: event.seq, event_type: event.type, message: event.message, details: event.details, at: event.at };
    const broadcastId = `${watch.kind}:${watch.id}:${event.seq}`;
    if (watch.kind === 'deployment') {
      if (this.eventTypes.has('deployment_event')) {
        this.send(message('deployment_event', { deployment_id: watch.id, ...base }, { broadcast_id: broadcastId }));
      }
      const alert = alertFor(watch.id, event);
      if (alert && this.eventTypes.has('alert') && (!this.alertLevels || this.alertLevels.has(alert.level))) {
        this.send(message('alert', alert, { broadcast_id: `alert:${broadcastId}` }));
      }
    } else if (this.eventTypes.has('distribution_event')) {
      this.send(message('distribution_event', { event_id: watch.id, ...base }, { broadcast_id: broadcastId }));
    }
  }

  private stopWatch(watch: Watch): void {
    if (!watch.ended) watch.closed = true;
    const unsubscribe = watch.unsubscribe;
    watch.unsubscribe = undefined;
    unsubscribe?.();
  }

  private dropWatch(kind: Kind, id: string): void {
    const watch = this.watches[kind].get(id);
    if (!watch) return;
    watch.ended = false;
    this.stopWatch(watch);
    this.watches[kind].delete(id);
  }

  private reportFailure(error: unknown, details: Record<string, unknown>): void {
    if (error instanceof ApiError) {
      const code: ErrorCode = error.status === 404 ? 'SERVICE_NOT_FOUND' : error.status < 500 ? 'INVALID_MESSAGE_FORMAT' : 'INTERNAL_SERVER_ERROR';
      this.fail(code, error.message, details);
      return;
    }
    this.deps.logger.error({ err: error, ...details }, 'websocket subscription failed');
    this.fail('INTERNAL_SERVER_ERROR', 'The subscription could not be started', details);
  }

  // ── control ──────────────────────────────────────────────────────────────────────────────────

  private permitted(needed: Role, requestId: string | undefined, action: string): boolean {
    if (roleAllows(this.principal.role, needed)) return true;
    this.fail('PERMISSION_DENIED', `This API key (role ${this.principal.role}) may not ${action}: role ${needed} required`, {
      required_role: needed, role: this.principal.role, action, ...(requestId ? { request_id: requestId } : {}),
    });
    return false;
  }

  private async deploymentControl(data: z.infer<typeof DeploymentControlSchema>): Promise<void> {
    const action = data.action === 'switch' ? 'switch traffic' : 'roll back';
    if (!this.permitted(ROLE_FOR_DEPLOYMENT_CONTROL, data.request_id, action)) return;
    const decision = { by: this.principal.label, via: 'websocket' as const, ...(data.reason ? { reason: data.reason } : {}) };
    const target = { deployment_id: data.deployment_id, action: data.action, ...(data.request_id ? { request_id: data.request_id } : {}) };
    await this.control(target, async () => {
      if (data.action === 'switch') {
        await this.deps.deployments.switchTraffic(data.deployment_id, decision);
        return { message: 'Traffic switching from blue to green in progress', active_service: 'green' };
      }
      const { rollbackDeploymentId } = await this.deps.deployments.rollback(data.deployment_id, decision);
      return {
        message: rollbackDeploymentId ? `Redeploying the previous task definition as ${rollbackDeploymentId}` : 'Stopping the deployment; CodeDeploy rolls back to blue',
        rollback_deployment_id: rollbackDeploymentId,
      };
    });
  }

  private async distributionControl(data: z.infer<typeof DistributionControlSchema>): Promise<void> {
    const action = data.action === 'retry' ? 'retry channels' : 'cancel a distribution';
    if (!this.permitted(ROLE_FOR_DISTRIBUTION_CONTROL, data.request_id, action)) return;
    const target = { event_id: data.event_id, action: data.action, ...(data.request_id ? { request_id: data.request_id } : {}) };
    await this.control(target, async () => {
      if (data.action === 'retry') {
        const outcome = await this.deps.distributions.retry(data.event_id, [...new Set(data.channels ?? [])], this.principal.label);
        return { message: 'Retry finished', outcome };
      }
      const cancelled = await this.deps.distributions.cancelScheduled(data.event_id, this.principal.label);
      return { message: `Cancelled ${cancelled.length} scheduled channel(s)`, cancelled_channels: cancelled };
    });
  }

  /** Runs a decision; its result, or the ApiError's status and message, goes back as `control_result`. */
  private async control(target: Record<string, unknown>, run: () => Promise<Record<string, unknown>>): Promise<void> {
    try {
      const result = await run();
      this.send(message('control_result', { ...target, success: true, ...result }, { client_id: this.clientId }));
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      this.send(message('control_result', { ...target, success: false, status: error.status, message: error.message }, { client_id: this.clientId }));
    }
  }
}

function idField(kind: Kind): string {
  return kind === 'deployment' ? 'deployment_id' : 'event_id';
}

/** The seed's alert for the two deployment moments a person must see: a failure, and a switch waiting for approval. */
export function alertFor(deploymentId: string, event: WorkflowEvent): ({ level: AlertLevel } & Record<string, unknown>) | undefined {
  const metadata = { deployment_id: deploymentId, seq: event.seq, event_type: event.type, details: event.details, at: event.at };
  if (event.type === 'fail') {
    return {
      level: 'error', title: `Deployment ${deploymentId} failed`, message: event.message, category: 'deployment', source: 'deployment_workflow',
      actions: [{ label: 'View result', action: 'view_result' }], metadata,
    };
  }
  if (event.type === 'stage' && event.message.startsWith(WAITING_FOR_APPROVAL)) {
    return {
      level: 'warning', title: `Deployment ${deploymentId} is waiting for approval`, message: event.message, category: 'approval', source: 'deployment_workflow',
      actions: [{ label: 'Switch traffic', action: 'switch' }, { label: 'Roll back', action: 'rollback' }], metadata,
    };
  }
  return undefined;
}

/** The ack's `warnings` (and `unknown_event_types`) for event type names Switchyard has no equivalent of. */
function unknownWarnings(unknown: readonly string[]): Record<string, unknown> {
  if (unknown.length === 0) return {};
  return {
    unknown_event_types: [...unknown],
    warnings: [`event types not supported, ignored: ${unknown.join(', ')}`],
  };
}
