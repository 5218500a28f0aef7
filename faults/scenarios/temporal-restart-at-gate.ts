// Fault 2: the Temporal server is SIGKILLed and started again (same ports, same database file)
// while deployments wait at the gate (DEPLOYMENT_READY); then each is switched through the API.
// The worker and API processes are not restarted: they must ride out the outage themselves. Each
// deployment must still be waiting at the gate after the restart, and then complete with every
// side effect once. Several deployments (one per seeded service) wait through each restart.
import { deploymentBaseline, deploymentLosses } from '../deployment-ledger.js';
import { driveDeployment } from '../drive.js';
import { sleep, waitUntil } from '../processes.js';
import type { Scenario } from '../scenario.js';
import { startStack } from '../stack.js';

const BATCH = 5;

export const temporalRestartAtGate: Scenario = {
  name: 'Temporal server restart at the gate',
  runs: { ci: 2, full: 10 },
  exclusive: true,
  async run({ temporal, random, runs, log }) {
    const stack = await startStack(temporal, { name: 'temporal', stepMs: 150, pollMs: 100, lanes: Math.min(BATCH, runs) });
    const lost: string[] = [];
    let restarts = 0;
    try {
      for (let done = 0; done < runs; done += BATCH) {
        const lanes = stack.lanes.slice(0, Math.min(BATCH, runs - done));
        const before = lanes.map((lane) => deploymentBaseline(stack.sandbox, lane));
        const invocations = stack.sandbox.aws.state.lambda.invocations.get(stack.sandbox.target.hookFunction ?? '') ?? 0;
        const ids = await Promise.all(lanes.map((lane) => stack.deploy(lane)));
        await waitUntil(
          'every deployment at the gate',
          async () => {
            const results = await Promise.all(ids.map((id) => stack.api.result(id)));
            const ended = results.find((r) => ['COMPLETED', 'FAILED', 'ROLLED_BACK'].includes(r?.status));
            if (ended) throw new Error(`a deployment ended before the gate: ${JSON.stringify(ended)}`);
            return results.every((r) => r?.status === 'DEPLOYMENT_READY');
          },
          { timeoutMs: 90_000, intervalMs: 200, watch: [stack.worker(), stack.apiProcess()] },
        );
        // Down for a moment, as a crashed and restarted server would be.
        const down = random.int(0, 2000);
        const restart = temporal.restart();
        await sleep(down);
        await restart;
        restarts += 1;
        await sleep(random.int(0, 1000));
        // Still waiting for a person after the restart: the outage decided nothing.
        const gates: (string | undefined)[] = [];
        await waitUntil(
          'the results after the restart',
          async () => {
            gates.splice(
              0,
              gates.length,
              ...(await Promise.all(ids.map(async (id) => (await stack.api.result(id))?.status as string | undefined))),
            );
            return gates.every((g) => g !== undefined);
          },
          { timeoutMs: 60_000, intervalMs: 200 },
        );
        const results = await Promise.all(ids.map((id) => driveDeployment(stack.api, id)));
        const invoked = (stack.sandbox.aws.state.lambda.invocations.get(stack.sandbox.target.hookFunction ?? '') ?? 0) - invocations;
        ids.forEach((id, i) => {
          const losses = deploymentLosses(stack.sandbox, lanes[i]!, before[i]!, id, results[i], false);
          if (gates[i] !== 'DEPLOYMENT_READY') losses.push(`after the restart the status was ${gates[i]}, not DEPLOYMENT_READY`);
          log(`  ${id} (${lanes[i]!.service}, restart ${restarts}): ${losses.length === 0 ? 'ok' : losses.join('; ')}`);
          if (losses.length > 0) lost.push(`${id} (${lanes[i]!.service}): ${losses.join('; ')}`);
        });
        if (invoked !== ids.length) lost.push(`batch ${restarts}: hook Lambda invoked ${invoked} times for ${ids.length} deployments`);
        if (!stack.worker().running() || !stack.apiProcess().running())
          throw new Error('the worker or the API exited across the Temporal restart');
      }
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${stack.logs()}`);
    } finally {
      await stack.close();
    }
    return { runs, lost, notes: `${restarts} restarts, ${runs} deployments waiting through them; worker and API never restarted` };
  },
};
