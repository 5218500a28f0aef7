// Finds the deployments a `service_ids` / `statuses` (or no-filter) subscription should watch.
// One visibility poller per distinct query per process, shared by every client that asked for it,
// so the list rate does not grow with the number of clients (like the event hub's pollers).
import type { DeploymentService } from '../deployments/deployment-service.js';

export interface DiscoveryQuery {
  service?: string;
  status?: string;
}

export interface DiscoveryListener {
  /** Deployment ids worth watching: running ones, and any that started after the poller did. */
  found(deploymentIds: string[]): void;
  /** The query cannot run (a bad service name, say): reported once; the poller keeps trying. */
  failed(error: unknown): void;
}

interface Poller {
  query: DiscoveryQuery;
  listeners: Set<DiscoveryListener>;
  timer?: NodeJS.Timeout;
  startedAt: number;
  last?: string[];
  failing: boolean;
}

const PAGE = 50;

/** Thrown by watch() when an API key already watches as many distinct queries as it may. */
export class DiscoveryLimitError extends Error {
  constructor(readonly limit: number) {
    super(`An API key may watch at most ${limit} service/status queries at once`);
    this.name = 'DiscoveryLimitError';
  }
}

export function discoveryKey(query: DiscoveryQuery): string {
  return JSON.stringify([query.service ?? null, query.status ?? null]);
}

export class DeploymentDiscovery {
  private readonly pollers = new Map<string, Poller>();
  /** Per API key (its label): each distinct query it watches, with how many of its sessions watch it. */
  private readonly byOwner = new Map<string, Map<string, number>>();

  constructor(
    private readonly deployments: Pick<DeploymentService, 'list'>,
    private readonly intervalMs: number,
    private readonly perOwner = Number.POSITIVE_INFINITY,
  ) {}

  /** Whether `owner` may start watching these queries on top of what it watches. */
  allows(owner: string, queries: readonly DiscoveryQuery[]): boolean {
    const watched = this.byOwner.get(owner) ?? new Map<string, number>();
    const added = new Set(queries.map(discoveryKey).filter((key) => !watched.has(key)));
    return watched.size + added.size <= this.perOwner;
  }

  watch(query: DiscoveryQuery, listener: DiscoveryListener, owner = ''): () => void {
    const key = discoveryKey(query);
    const watched = this.byOwner.get(owner) ?? new Map<string, number>();
    if (!watched.has(key) && watched.size >= this.perOwner) throw new DiscoveryLimitError(this.perOwner);
    watched.set(key, (watched.get(key) ?? 0) + 1);
    this.byOwner.set(owner, watched);
    let poller = this.pollers.get(key);
    if (!poller) {
      poller = { query, listeners: new Set(), startedAt: Date.now(), failing: false };
      this.pollers.set(key, poller);
      void this.poll(key, poller);
    } else if (poller.last) {
      listener.found(poller.last);
    }
    poller.listeners.add(listener);
    const stopped = poller;
    let released = false;
    return () => {
      if (!released) {
        released = true;
        const left = (watched.get(key) ?? 1) - 1;
        if (left > 0) watched.set(key, left);
        else watched.delete(key);
        if (watched.size === 0) this.byOwner.delete(owner);
      }
      stopped.listeners.delete(listener);
      if (stopped.listeners.size > 0) return;
      clearTimeout(stopped.timer);
      if (this.pollers.get(key) === stopped) this.pollers.delete(key);
    };
  }

  private async poll(key: string, poller: Poller): Promise<void> {
    try {
      const items = await this.deployments.list({ ...poller.query, limit: PAGE });
      const ids = items
        .filter((item) => item.closedAt === null || Date.parse(item.startedAt) >= poller.startedAt)
        .map((item) => item.deploymentId);
      poller.last = ids;
      poller.failing = false;
      for (const listener of poller.listeners) listener.found(ids);
    } catch (error) {
      if (!poller.failing) for (const listener of poller.listeners) listener.failed(error);
      poller.failing = true;
    }
    if (this.pollers.get(key) !== poller) return;
    poller.timer = setTimeout(() => void this.poll(key, poller), this.intervalMs);
    poller.timer.unref();
  }

  close(): void {
    for (const poller of this.pollers.values()) clearTimeout(poller.timer);
    this.pollers.clear();
    this.byOwner.clear();
  }
}
