// What one client subscribed to: event types, alert levels, and the workflows to watch, named by
// id or found by a service/status query. subscribe/unsubscribe change it and return the ack's data;
// each watched workflow's events are sent as the types subscribed to ask (with their alerts).
import type { z } from 'zod';
import type { WorkflowEvent } from '../../workflows/shared/event-log.js';
import { alertFor } from './alerts.js';
import { discoveryKey, type DeploymentDiscovery, type DiscoveryQuery } from './discovery.js';
import { resolveEventTypes, unknownWarnings } from './event-type-names.js';
import type { WsLimits } from './limits.js';
import {
  EVENT_TYPES,
  message,
  type AlertLevel,
  type ErrorSender,
  type EventType,
  type ServerMessage,
  type SubscribeSchema,
  type UnsubscribeSchema,
} from './protocol.js';
import { SlidingWindow } from './sliding-window.js';
import { reportStartFailure, Watches, type WatchDeps, type WorkflowKind } from './watches.js';

export interface SubscriptionDeps extends WatchDeps {
  discovery: DeploymentDiscovery;
  limits: Pick<WsLimits, 'discoveriesPerSession' | 'maxWatchedIds' | 'newIdsPerMinute'>;
}

interface Discovery {
  query: DiscoveryQuery;
  stop: () => void;
}

export class Subscriptions {
  private readonly eventTypes = new Set<EventType>();
  private alertLevels: Set<AlertLevel> | undefined;
  private readonly discoveries = new Map<string, Discovery>();
  private readonly watches: Watches;
  /** Ids this session started watching in the last minute. */
  private readonly newIds: SlidingWindow;

  constructor(
    private readonly deps: SubscriptionDeps,
    private readonly send: (msg: ServerMessage) => void,
    private readonly fail: ErrorSender,
    /** The API key's label: discovery queries are capped per key as well as per session. */
    private readonly owner = '',
  ) {
    this.watches = new Watches(deps, fail, (kind, id, event) => this.emit(kind, id, event));
    this.newIds = new SlidingWindow(deps.limits.newIdsPerMinute, 60_000);
  }

  /**
   * Adds to the subscription; returns the `subscribed` ack's data, or undefined when it asks for
   * more service/status queries than a session or an API key may watch (then nothing changes and
   * the client hears RATE_LIMIT_EXCEEDED with the limit).
   */
  subscribe(data: z.infer<typeof SubscribeSchema>): Record<string, unknown> | undefined {
    const requested = data.event_types === undefined ? { types: [...EVENT_TYPES], unknown: [] } : resolveEventTypes(data.event_types);
    const filters = data.filters ?? {};
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
    const watchesNothing = this.watches.size + this.discoveries.size === 0;
    if (
      watchesNothing &&
      queries.length === 0 &&
      deploymentIds.length === 0 &&
      eventIds.length === 0 &&
      [...this.eventTypes, ...requested.types].some((type) => type === 'deployment_event' || type === 'alert')
    ) {
      queries.push({});
    }
    const added = new Set(queries.map(discoveryKey).filter((key) => !this.discoveries.has(key)));
    const perSession = this.deps.limits.discoveriesPerSession;
    if (this.discoveries.size + added.size > perSession || !this.deps.discovery.allows(this.owner, queries)) {
      const overSession = this.discoveries.size + added.size > perSession;
      this.fail(
        'RATE_LIMIT_EXCEEDED',
        overSession
          ? `A session may watch at most ${perSession} service/status queries; this subscribe would make it ${this.discoveries.size + added.size}`
          : 'This API key already watches as many service/status queries as it may; unsubscribe some first',
        {
          requested_queries: added.size,
          watched_queries: this.discoveries.size,
          limit: overSession ? perSession : 'per key',
        },
      );
      return undefined;
    }
    const newIds =
      deploymentIds.filter((id) => !this.watches.named('deployment', id)).length +
      eventIds.filter((id) => !this.watches.named('distribution', id)).length;
    const maxIds = this.deps.limits.maxWatchedIds;
    if (this.watches.namedCount + newIds > maxIds) {
      // Each id named is a feed to read (a history to replay for a closed one): the total is bounded.
      this.fail(
        'RATE_LIMIT_EXCEEDED',
        `A session may watch at most ${maxIds} deployment and event ids; this subscribe would make it ${this.watches.namedCount + newIds}: unsubscribe some first`,
        {
          requested_ids: newIds,
          watched_ids: this.watches.namedCount,
          limit: 'max_watched_ids',
          max: maxIds,
        },
      );
      return undefined;
    }
    const now = Date.now();
    if (newIds > this.newIds.room(now)) {
      // Unknown ids are dropped after their 404, and dropped ids can be named again: this bounds
      // how fast a session cycles through ids, each a query.
      this.fail(
        'RATE_LIMIT_EXCEEDED',
        `A session may start watching at most ${this.deps.limits.newIdsPerMinute} ids a minute; this subscribe names ${newIds} new ones`,
        {
          requested_ids: newIds,
          limit: 'new_ids_per_minute',
          max: this.deps.limits.newIdsPerMinute,
          ...(newIds <= this.deps.limits.newIdsPerMinute ? { retry_after_ms: this.newIds.msUntilRoom(now) } : {}),
        },
      );
      return undefined;
    }
    this.newIds.record(now, newIds);
    for (const type of requested.types) this.eventTypes.add(type);
    if (filters.alert_levels) this.alertLevels = new Set(filters.alert_levels);
    const since = data.since_seq;
    // Watches register synchronously and deliver only after the hub's first answer, so the
    // acknowledgement (which lists them) always goes out before their events.
    for (const id of deploymentIds) void this.watches.start('deployment', id, since);
    for (const id of eventIds) void this.watches.start('distribution', id, since);
    for (const query of queries) this.startDiscovery(query);
    return { ...this.summary(), since_seq: since ?? 0, ...unknownWarnings(requested.unknown) };
  }

  /** Takes away from the subscription (all of it when the message names nothing); returns the `unsubscribed` ack's data. */
  unsubscribe(data: z.infer<typeof UnsubscribeSchema>): Record<string, unknown> {
    const everything = data.event_types === undefined && data.filters === undefined;
    const requested = resolveEventTypes(data.event_types ?? []);
    for (const type of everything ? EVENT_TYPES : requested.types) this.eventTypes.delete(type);
    const filters = data.filters ?? {};
    if (everything) {
      this.stopWatching();
      this.alertLevels = undefined;
    }
    for (const id of filters.deployment_ids ?? []) this.watches.drop('deployment', id);
    for (const id of filters.event_ids ?? []) this.watches.drop('distribution', id);
    if (filters.alert_levels && this.alertLevels) for (const level of filters.alert_levels) this.alertLevels.delete(level);
    const services = [...(filters.service_ids ?? []), ...(filters.services ?? [])];
    const statuses: string[] = filters.statuses ?? [];
    for (const [key, { query, stop }] of [...this.discoveries]) {
      if (
        (query.service !== undefined && services.includes(query.service)) ||
        (query.status !== undefined && statuses.includes(query.status))
      ) {
        stop();
        this.discoveries.delete(key);
        this.watches.dropFoundBy(key);
      }
    }
    return { ...this.summary(), ...unknownWarnings(requested.unknown) };
  }

  /** The session is over: every poller and feed is released. */
  close(): void {
    this.stopWatching();
    this.watches.close();
  }

  private stopWatching(): void {
    for (const { stop } of this.discoveries.values()) stop();
    this.discoveries.clear();
    this.watches.clear();
  }

  private summary(): Record<string, unknown> {
    return {
      event_types: [...this.eventTypes],
      alert_levels: this.alertLevels ? [...this.alertLevels] : null,
      deployment_ids: this.watches.ids('deployment'),
      event_ids: this.watches.ids('distribution'),
      discovery: [...this.discoveries.values()].map(({ query }) => described(query)),
    };
  }

  private startDiscovery(query: DiscoveryQuery): void {
    const key = discoveryKey(query);
    if (this.discoveries.has(key)) return;
    const stop = this.deps.discovery.watch(
      query,
      {
        found: (ids) => {
          for (const id of ids) if (!this.watches.has('deployment', id)) void this.watches.start('deployment', id, undefined, key);
        },
        failed: (error) => reportStartFailure(error, described(query), this.deps.logger, this.fail),
      },
      this.owner,
    );
    this.discoveries.set(key, { query, stop });
  }

  private emit(kind: WorkflowKind, id: string, event: WorkflowEvent): void {
    const base = { seq: event.seq, event_type: event.type, message: event.message, details: event.details, at: event.at };
    const broadcastId = `${kind}:${id}:${event.seq}`;
    if (kind === 'distribution') {
      if (this.eventTypes.has('distribution_event'))
        this.send(message('distribution_event', { event_id: id, ...base }, { broadcast_id: broadcastId }));
      return;
    }
    if (this.eventTypes.has('deployment_event')) {
      this.send(message('deployment_event', { deployment_id: id, ...base }, { broadcast_id: broadcastId }));
    }
    const alert = alertFor(id, event);
    if (alert && this.eventTypes.has('alert') && (!this.alertLevels || this.alertLevels.has(alert.level))) {
      this.send(message('alert', alert, { broadcast_id: `alert:${broadcastId}` }));
    }
  }
}

/** A discovery query as the ack and the errors show it: both fields, null when not filtered on. */
function described(query: DiscoveryQuery): { service: string | null; status: string | null } {
  return { service: query.service ?? null, status: query.status ?? null };
}
