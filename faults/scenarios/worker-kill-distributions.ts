// Fault 1b: distributions to all six channels, several side by side with staggered starts, and
// the worker SIGKILLed once per batch when the channel emulators have seen a random number of the
// batch's posts (plus a small random delay), so each distribution of the batch is caught at a
// different point of its six publishes; a fresh worker is started. Every distribution must end
// COMPLETED with exactly one post per channel. (Side by side because a killed publish is only
// noticed after its 20 s heartbeat timeout: one kill per distribution would take minutes.)
import { randomUUID } from 'node:crypto';
import { distributionWorkflowId } from '../../workflows/distribution/types.js';
import { distribute, distributionLosses, publishesSoFar, settleDistribution } from '../distribution-ledger.js';
import { activitiesInFlight, tally } from '../in-flight.js';
import { sleep } from '../processes.js';
import type { Scenario } from '../scenario.js';
import { startStack } from '../stack.js';
import { whenState } from '../triggers.js';

const BATCH = 3;

export const workerKillDistributions: Scenario = {
  name: 'worker SIGKILL during distributions',
  runs: { ci: 3, full: 12 },
  async run({ temporal, client, random, runs, log }) {
    const stack = await startStack(temporal, { name: 'kill-dist', stepMs: 150, pollMs: 100 });
    const lost: string[] = [];
    const landed: string[] = [];
    try {
      for (let done = 0; done < runs; done += BATCH) {
        const size = Math.min(BATCH, runs - done);
        const eventIds = Array.from({ length: size }, () => `evt-faults-${randomUUID().slice(0, 8)}`);
        const posts = 6 * size;
        const killAt = random.int(1, posts - 1);
        const kill = whenState(`post ${killAt} of ${posts}`, () => publishesSoFar(stack.sandbox, eventIds) >= killAt, random.int(0, 300));
        let settled = false;
        const killing = (async () => {
          if (!(await kill.wait(() => settled))) return ['no kill'];
          await stack.killWorker();
          const inFlight = await Promise.all(eventIds.map((e) => activitiesInFlight(client, distributionWorkflowId(e)).catch(() => ['?'])));
          await stack.startWorker();
          return inFlight.map((a) => `${a.length} publishing`);
        })();
        // Staggered, so the one kill finds each distribution at another point.
        for (const eventId of eventIds) {
          await distribute(stack.api, eventId, random.int(200, 900));
          await sleep(random.int(0, 700));
        }
        const statuses = await Promise.all(eventIds.map((e) => settleDistribution(stack.api, e)));
        settled = true;
        const where = await killing;
        eventIds.forEach((eventId, i) => {
          const losses = distributionLosses(stack.sandbox, eventId, statuses[i]);
          if (where[0] === 'no kill') losses.push(`the kill point (${kill.describe}) never came`);
          landed.push(where[i] ?? 'no kill');
          log(`  ${eventId} (kill at ${kill.describe}, ${where[i] ?? ''}): ${losses.length === 0 ? 'ok' : losses.join('; ')}`);
          if (losses.length > 0) lost.push(`${eventId} (kill at ${kill.describe}, ${where[i]}): ${losses.join('; ')}`);
        });
      }
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${stack.logs()}`);
    } finally {
      await stack.close();
    }
    return { runs, lost, notes: `activities in flight per distribution at the kill: ${tally(landed)}` };
  },
};
