// `npm run faults`: each fault scenario against real parts (Temporal dev server, the production
// worker and API processes, the emulators in this process), N runs each; prints
// "<fault>: N runs, 0 lost" per fault and exits 1 if any run was lost. `--ci` is the small budget.
// Scenarios run two at a time (each has its own emulators, worker, API and task queue; most of a
// run is waiting out timeouts), except the exclusive ones (the Temporal restart), alone at the end.
// FAULTS_LOG_DIR=<dir> keeps every worker's and API's output there.
import { Client, Connection } from '@temporalio/client';
import { parseSuiteArgs } from './args.js';
import { killAll } from './processes.js';
import { seeded } from './random.js';
import type { Scenario, ScenarioContext } from './scenario.js';
import { SCENARIOS } from './scenarios/index.js';
import { startTemporalServer, type TemporalServer } from './temporal-server.js';

const args = parseSuiteArgs(process.argv.slice(2));
const started = Date.now();
const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(0)} s`;
console.log(
  `fault suite (${args.ci ? 'ci' : 'full'} budget), seed ${args.seed} — replay with: npm run faults -- ${args.ci ? '--ci ' : ''}--seed ${args.seed}`,
);

let failed = false;
let temporal: TemporalServer | undefined;
let connection: Connection | undefined;

async function runScenario(
  scenario: Scenario,
  context: Omit<ScenarioContext, 'runs' | 'random' | 'log'>,
  root: ReturnType<typeof seeded>,
): Promise<void> {
  const runs = args.runs ?? (args.ci ? scenario.runs.ci : scenario.runs.full);
  const since = Date.now();
  try {
    const outcome = await scenario.run({
      ...context,
      runs,
      // Each scenario draws from a generator of its own: the same seed gives it the same choices, whatever else runs.
      random: root.fork(scenario.name),
      log: (line) => {
        if (args.verbose) console.log(`[${scenario.name}] ${line.trimStart()}`);
      },
    });
    failed ||= outcome.lost.length > 0;
    console.log(
      `${scenario.name}: ${outcome.runs} runs, ${outcome.lost.length} lost (${seconds(since)})${outcome.notes ? ` — ${outcome.notes}` : ''}`,
    );
    for (const line of outcome.lost) console.log(`  LOST ${line}`);
  } catch (error) {
    // A scenario that could not finish its runs is a failure too, with what it saw.
    failed = true;
    console.log(`${scenario.name}: ERROR after ${seconds(since)}: ${(error as Error).stack ?? String(error)}`);
  }
}

try {
  temporal = await startTemporalServer();
  connection = await Connection.connect({ address: temporal.address });
  const context = { temporal, client: new Client({ connection, namespace: temporal.namespace }) };
  const root = seeded(args.seed);
  const chosen = SCENARIOS.filter((s) => !args.only || s.name.includes(args.only));
  const shared = chosen.filter((s) => !s.exclusive);
  const slots = args.serial ? 1 : 2;
  await Promise.all(
    Array.from({ length: slots }, async () => {
      for (let next = shared.shift(); next; next = shared.shift()) await runScenario(next, context, root);
    }),
  );
  for (const scenario of chosen.filter((s) => s.exclusive)) await runScenario(scenario, context, root);
} catch (error) {
  failed = true;
  console.log(`fault suite could not run: ${(error as Error).stack ?? String(error)}`);
} finally {
  await connection?.close().catch(() => undefined);
  await killAll();
  await temporal?.stop().catch(() => undefined);
}
// Worded apart from test runners' closing lines ("5 passed in 0.12s"): CI's log reader would take
// this for a test run of its own.
console.log(`fault suite ${failed ? 'FAILED' : 'held: every fault 0 lost'}, ${seconds(started)} (seed ${args.seed})`);
process.exit(failed ? 1 : 0);
