// Fault 3: clients follow GET /api/v1/deploy/{id}/events of deployments running side by side; the
// API process is SIGKILLed mid-stream (when the lead client has seen a random number of events)
// and started again; each client reconnects with Last-Event-ID. Every client's sequence must be
// 1, 2, 3 … with no gap and no duplicate, ending in the terminal `success`, on at least two
// connections; and the deployments complete with every side effect once.
import { deploymentBaseline, deploymentLosses } from '../deployment-ledger.js';
import { driveDeployment } from '../drive.js';
import { sleep } from '../processes.js';
import type { Scenario } from '../scenario.js';
import { follow, sequenceProblems } from '../sse-follower.js';
import { startStack } from '../stack.js';

const BATCH = 3;

export const apiRestartDuringSse: Scenario = {
  name: 'API restart during SSE streams',
  runs: { ci: 2, full: 12 },
  async run({ temporal, random, runs, log }) {
    const stack = await startStack(temporal, { name: 'sse', stepMs: 150, pollMs: 100, lanes: Math.min(BATCH, runs) });
    const lost: string[] = [];
    let eventsSeen = 0;
    try {
      for (let done = 0; done < runs; done += BATCH) {
        const lanes = stack.lanes.slice(0, Math.min(BATCH, runs - done));
        const before = lanes.map((lane) => deploymentBaseline(stack.sandbox, lane));
        const ids = await Promise.all(lanes.map((lane) => stack.deploy(lane)));
        const followers = ids.map((id) => follow(`${stack.apiUrl}/api/v1/deploy/${id}/events`, stack.api.headers));
        const killAfter = random.int(2, 14);
        const driving = Promise.all(ids.map((id) => driveDeployment(stack.api, id)));
        // The kill: once every stream has carried `killAfter` events (so each is mid-flight), plus a
        // little; at once if one is about to end (it has reached the switch) while another lags.
        const nearEnd = () => followers.some((f) => f.events.length >= 20);
        while (followers.some((f) => f.events.length < killAfter) && !nearEnd()) await sleep(5);
        await sleep(random.int(0, 300));
        await stack.killApi();
        await sleep(random.int(0, 1500));
        await stack.startApi();
        const results = await driving;
        await Promise.all(followers.map((f) => f.done));
        ids.forEach((id, i) => {
          const follower = followers[i]!;
          const losses = [
            ...deploymentLosses(stack.sandbox, lanes[i]!, before[i]!, id, results[i], false),
            ...sequenceProblems(follower.events),
          ];
          if (follower.connections() < 2) losses.push('the stream was never broken by the restart (one connection)');
          const total = follower.events.length;
          if (results[i]?.eventCount !== undefined && results[i].eventCount !== total)
            losses.push(`${total} events streamed, the deployment recorded ${results[i].eventCount}`);
          eventsSeen += total;
          log(
            `  ${id}: ${total} events over ${follower.connections()} connections, kill after ${killAfter} events each: ${losses.length === 0 ? 'ok' : losses.join('; ')}`,
          );
          if (losses.length > 0) lost.push(`${id} (kill after ${killAfter} events each): ${losses.join('; ')}`);
        });
      }
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${stack.logs()}`);
    } finally {
      await stack.close();
    }
    return { runs, lost, notes: `${eventsSeen} events checked, one API restart per batch of up to ${BATCH} streams` };
  },
};
