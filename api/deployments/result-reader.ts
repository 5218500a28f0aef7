// GET /result at a watched gate reads two things: the workflow's state (a query, answered by a
// worker) and the watch's latest windows (heartbeat details, in a describe answered by the
// server). One after the other their times add up; for a deployment last seen at its watched
// gate, where pollers keep asking, both are sent at once. Any other read stays one query.
import type { DeploymentSnapshot, WatchWindow } from '../../domain/deployment.js';

export interface ResultSources {
  snapshot(id: string): Promise<DeploymentSnapshot>;
  watchWindows(id: string): Promise<WatchWindow[]>;
}

/** Ids remembered at once; the oldest is forgotten first (a forgotten id costs one sequential read). */
const REMEMBERED = 10_000;

export class ResultReader {
  private readonly atWatchedGate = new Set<string>();

  constructor(
    private readonly sources: ResultSources,
    private readonly remembered = REMEMBERED,
  ) {}

  async read(id: string): Promise<{ snapshot: DeploymentSnapshot; windows: WatchWindow[] }> {
    // A failed early describe is simply sent again below, once the state says it is needed.
    const early = this.atWatchedGate.has(id) ? this.sources.watchWindows(id).catch(() => undefined) : undefined;
    const snapshot = await this.sources.snapshot(id);
    const watched = snapshot.status === 'DEPLOYMENT_READY' && snapshot.approvalPolicy?.watch !== undefined;
    this.atWatchedGate.delete(id);
    if (!watched) return { snapshot, windows: [] };
    this.atWatchedGate.add(id);
    if (this.atWatchedGate.size > this.remembered) this.atWatchedGate.delete(this.atWatchedGate.values().next().value!);
    return { snapshot, windows: (await early) ?? (await this.sources.watchWindows(id)) };
  }

  /** How many ids are remembered at their watched gate (tests, and the bound). */
  get size(): number {
    return this.atWatchedGate.size;
  }
}
