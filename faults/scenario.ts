// What a fault scenario is to the runner: a name, how many runs each budget gives it, and a
// function that performs the runs and says how many were lost and why.
import type { Client } from '@temporalio/client';
import type { Random } from './random.js';
import type { TemporalServer } from './temporal-server.js';

export interface ScenarioContext {
  temporal: TemporalServer;
  /** A client of the suite's own, to look at workflows server-side (no worker needed). */
  client: Client;
  random: Random;
  runs: number;
  /** Progress lines (shown with --verbose). */
  log(line: string): void;
}

export interface ScenarioOutcome {
  runs: number;
  /** One line per lost run: which run and what was not as it must be. */
  lost: string[];
  /** Shown after "N runs, 0 lost": where the faults landed, what was injected. */
  notes?: string;
}

export interface Scenario {
  name: string;
  runs: { ci: number; full: number };
  /** Restarts what every scenario shares (the Temporal server): runs alone, after the others. */
  exclusive?: boolean;
  run(context: ScenarioContext): Promise<ScenarioOutcome>;
}
