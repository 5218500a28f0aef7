// The workflows one client watches: each deployment or distribution is read through the shared
// event hub, and its events are handed on each once and in order, whatever the hub hands over.
import type { Logger } from '../../common/logger.js';
import type { WorkflowEvent } from '../../workflows/shared/event-log.js';
import type { DeploymentService } from '../deployments/deployment-service.js';
import type { DistributionService } from '../distributions/service.js';
import { ApiError } from '../errors.js';
import type { WorkflowEventHub } from '../streams/event-hub.js';
import type { ErrorCode, ErrorSender } from './protocol.js';

export type WorkflowKind = 'deployment' | 'distribution';

export interface WatchDeps {
  hub: WorkflowEventHub;
  deployments: DeploymentService;
  distributions: DistributionService;
  logger: Logger;
}

/** Where one watched workflow's events go. */
export type EventSink = (kind: WorkflowKind, id: string, event: WorkflowEvent) => void;

interface Watch {
  kind: WorkflowKind;
  id: string;
  lastSeq: number;
  /** The discovery query that found it, if any: unsubscribing that query drops it. */
  source?: string;
  unsubscribe?: () => void;
  ended: boolean;
  closed: boolean;
  failing: boolean;
}

export class Watches {
  private readonly byKind = { deployment: new Map<string, Watch>(), distribution: new Map<string, Watch>() };
  private closed = false;

  constructor(
    private readonly deps: WatchDeps,
    private readonly fail: ErrorSender,
    private readonly sink: EventSink,
  ) {}

  ids(kind: WorkflowKind): string[] {
    return [...this.byKind[kind].keys()];
  }

  has(kind: WorkflowKind, id: string): boolean {
    return this.byKind[kind].has(id);
  }

  get size(): number {
    return this.byKind.deployment.size + this.byKind.distribution.size;
  }

  /** Whether the client named this workflow itself (not found by a service/status query). */
  named(kind: WorkflowKind, id: string): boolean {
    const watch = this.byKind[kind].get(id);
    return watch !== undefined && watch.source === undefined;
  }

  /** Workflows the client named itself: the ones SWITCHYARD_WS_WATCHED_IDS bounds. */
  get namedCount(): number {
    let count = 0;
    for (const map of Object.values(this.byKind)) for (const watch of map.values()) if (watch.source === undefined) count += 1;
    return count;
  }

  /** Watches one workflow through the shared hub; `since` replays history after that seq (default: all of it). */
  async start(kind: WorkflowKind, id: string, since: number | undefined, source?: string): Promise<void> {
    const map = this.byKind[kind];
    const existing = map.get(id);
    // Already watched: only an explicit since_seq restarts it (a replay the client asked for).
    if (existing && since === undefined) return;
    const watch: Watch = { kind, id, lastSeq: since ?? 0, ended: false, closed: false, failing: false, ...(source ? { source } : {}) };
    map.set(id, watch);
    const fetch = kind === 'deployment' ? this.deps.deployments.eventFeed(id) : this.deps.distributions.eventFeed(id);
    try {
      // The replay joins the hub's feed before the old watch leaves it, so the feed (and its query
      // in flight, or its kept history) carries over: a since_seq re-subscribe starts no query.
      const subscribed = this.deps.hub.subscribe(`${kind}:${id}`, fetch, watch.lastSeq, {
        onEvents: (events, terminal) => this.deliver(watch, events, terminal),
        onError: (error) => {
          if (watch.failing || watch.closed) return;
          watch.failing = true;
          this.deps.logger.warn({ err: error, kind, id }, 'websocket event feed interrupted');
          this.fail('INTERNAL_SERVER_ERROR', `Events of ${kind} ${id} are delayed: reading them failed, retrying`, { [idField(kind)]: id });
        },
      });
      if (existing) {
        existing.ended = false;
        this.stop(existing);
      }
      const unsubscribe = await subscribed;
      watch.unsubscribe = unsubscribe;
      if (watch.closed || watch.ended) this.stop(watch);
    } catch (error) {
      if (map.get(id) === watch) map.delete(id);
      watch.closed = true;
      reportStartFailure(error, { [idField(kind)]: id }, this.deps.logger, this.fail);
    }
  }

  drop(kind: WorkflowKind, id: string): void {
    const watch = this.byKind[kind].get(id);
    if (!watch) return;
    watch.ended = false;
    this.stop(watch);
    this.byKind[kind].delete(id);
  }

  /** Drops the deployments that the discovery query with this key found. */
  dropFoundBy(source: string): void {
    for (const watch of [...this.byKind.deployment.values()]) if (watch.source === source) this.drop('deployment', watch.id);
  }

  /** Stops and forgets every watch. */
  clear(): void {
    for (const map of Object.values(this.byKind)) {
      for (const watch of map.values()) this.stop(watch);
      map.clear();
    }
  }

  /** For good (the session is over): nothing more is delivered. */
  close(): void {
    this.closed = true;
    this.clear();
  }

  private deliver(watch: Watch, events: WorkflowEvent[], terminal: boolean): void {
    if (watch.closed || this.closed) return;
    watch.failing = false;
    for (const event of events) {
      if (event.seq <= watch.lastSeq) continue;
      watch.lastSeq = event.seq;
      this.sink(watch.kind, watch.id, event);
    }
    if (terminal) {
      // Nothing more will come: release the hub's feed, keep the entry so discovery does not re-add it.
      watch.ended = true;
      if (watch.unsubscribe) queueMicrotask(() => this.stop(watch));
    }
  }

  private stop(watch: Watch): void {
    if (!watch.ended) watch.closed = true;
    const unsubscribe = watch.unsubscribe;
    watch.unsubscribe = undefined;
    unsubscribe?.();
  }
}

/** A watch or discovery that cannot start: the API's refusal as it stands (404: SERVICE_NOT_FOUND), anything else logged. */
export function reportStartFailure(error: unknown, details: Record<string, unknown>, logger: Logger, fail: ErrorSender): void {
  if (error instanceof ApiError) {
    const code: ErrorCode =
      error.status === 404 ? 'SERVICE_NOT_FOUND' : error.status < 500 ? 'INVALID_MESSAGE_FORMAT' : 'INTERNAL_SERVER_ERROR';
    fail(code, error.message, details);
    return;
  }
  logger.error({ err: error, ...details }, 'websocket subscription failed');
  fail('INTERNAL_SERVER_ERROR', 'The subscription could not be started', details);
}

function idField(kind: WorkflowKind): string {
  return kind === 'deployment' ? 'deployment_id' : 'event_id';
}
