// Fault 4: the API is SIGKILLed once CodeDeploy has the deployments (several side by side, one per
// seeded service), stays down while CodeDeploy's AfterAllowTestTraffic hook fires (the real
// forwarding Lambda, which finds nobody to answer) and 4 s more, then starts again. The Lambda's
// own retries must carry each hook through: one hook execution, Succeeded, reported once, one
// invocation per deployment, and the deployments complete with every side effect once.
import { deploymentBaseline, deploymentLosses } from '../deployment-ledger.js';
import { driveDeployment } from '../drive.js';
import { sleep, waitUntil } from '../processes.js';
import type { Scenario } from '../scenario.js';
import { startStack } from '../stack.js';

const BATCH = 3;
const DOWN_AFTER_HOOKS_MS = 4000;

export const apiDownDuringHook: Scenario = {
  name: 'API down while the CodeDeploy hook fires',
  runs: { ci: 2, full: 12 },
  async run({ temporal, random, runs, log }) {
    const stack = await startStack(temporal, { name: 'hook', stepMs: 150, pollMs: 100, lanes: Math.min(BATCH, runs) });
    const { codedeploy, lambda } = stack.sandbox.aws.state;
    const hookFunction = stack.sandbox.target.hookFunction ?? '';
    const lost: string[] = [];
    let pendingWhileDown = 0;
    try {
      for (let done = 0; done < runs; done += BATCH) {
        const lanes = stack.lanes.slice(0, Math.min(BATCH, runs - done));
        const groups = lanes.map((l) => `${l.codeDeployApplication}/${l.codeDeployGroup}`);
        const known = new Set(codedeploy.deployments.keys());
        const before = lanes.map((lane) => deploymentBaseline(stack.sandbox, lane));
        const invocations = lambda.invocations.get(hookFunction) ?? 0;
        const ids = await Promise.all(lanes.map((lane) => stack.deploy(lane)));
        const driving = Promise.all(ids.map((id) => driveDeployment(stack.api, id, { timeoutMs: 180_000 })));
        const ours = () => [...codedeploy.deployments.values()].filter((d) => !known.has(d.id));
        // CodeDeploy has every deployment of the batch (created, hook not yet fired): the API goes.
        await waitUntil('the CodeDeploy deployments', () => ours().length === lanes.length, { timeoutMs: 90_000, intervalMs: 5 });
        await sleep(random.int(0, 150));
        await stack.killApi();
        const pending = () =>
          [...codedeploy.runner.hookExecutions.values()].filter(
            (h) => ours().some((d) => d.id === h.deploymentId) && h.status === 'Pending',
          );
        await waitUntil('every hook invoked while the API is down', () => pending().length === lanes.length, {
          timeoutMs: 60_000,
          intervalMs: 20,
        });
        pendingWhileDown += pending().length;
        await sleep(DOWN_AFTER_HOOKS_MS);
        // Nobody could answer: still pending, as CodeDeploy waits for a report.
        const stillPending = pending().length;
        await stack.startApi();
        const results = await driving;
        const invoked = (lambda.invocations.get(hookFunction) ?? 0) - invocations;
        ids.forEach((id, i) => {
          const losses = deploymentLosses(stack.sandbox, lanes[i]!, before[i]!, id, results[i], false);
          log(`  ${id} (${groups[i]}): ${losses.length === 0 ? 'ok' : losses.join('; ')}`);
          if (losses.length > 0) lost.push(`${id} (${groups[i]}): ${losses.join('; ')}`);
        });
        if (stillPending !== lanes.length) lost.push(`${lanes.length - stillPending} hooks did not wait for the API while it was down`);
        if (invoked !== lanes.length) lost.push(`hook Lambda invoked ${invoked} times for ${lanes.length} deployments`);
      }
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${stack.logs()}`);
    } finally {
      await stack.close();
    }
    return {
      runs,
      lost,
      notes: `${pendingWhileDown} hooks fired while the API was down, each left pending ${DOWN_AFTER_HOOKS_MS / 1000} s more`,
    };
  },
};
