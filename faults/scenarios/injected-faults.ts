// Fault 5: throttling, 5xx and timeouts (held, then dropped; half of them after the call took
// effect) injected into every AWS, GitHub, Slack and channel call at a seeded rate, while
// deployments (one per seeded service) and six-channel distributions run side by side. Set-up
// (connections) runs with the rate at 0. Every deployment must complete and every distribution
// reach COMPLETED with each side effect exactly once: retried calls must not repeat what a
// dropped answer already did.
import { randomUUID } from 'node:crypto';
import type { FaultKind } from '../../emulators/faults.js';
import { deploymentBaseline, deploymentLosses } from '../deployment-ledger.js';
import { distribute, distributionLosses, settleDistribution } from '../distribution-ledger.js';
import { driveDeployment } from '../drive.js';
import type { Scenario } from '../scenario.js';
import { startStack } from '../stack.js';

const LANES = 3;

export const injectedFaults: Scenario = {
  name: 'injected throttling, 5xx and timeouts',
  runs: { ci: 2, full: 12 },
  async run({ temporal, random, runs, log }) {
    const stack = await startStack(temporal, {
      name: 'inject',
      stepMs: 150,
      pollMs: 100,
      lanes: LANES,
      sandbox: { faults: { rate: 0, holdMs: 2000, seed: random.int(1, 2 ** 31) } },
      // Production-like limits: a held call (2 s) must not by itself time the activity out.
      env: { DEPLOY_CALL_TIMEOUT_SECONDS: '20', DEPLOY_HEARTBEAT_TIMEOUT_SECONDS: '10' },
    });
    const injector = stack.sandbox.faults;
    if (!injector) throw new Error('startSandbox({ faults }) gave no injector (sandbox.faults)');
    const lost: string[] = [];
    const rate = 0.15 + random.next() * 0.1;
    const invocations = () => stack.sandbox.aws.state.lambda.invocations.get(stack.sandbox.target.hookFunction ?? '') ?? 0;
    try {
      // Half deployments, half distributions, LANES of each side by side per batch.
      for (let done = 0; done < runs; done += 2 * LANES) {
        const pairs = Math.max(1, Math.min(LANES, Math.ceil((runs - done) / 2)));
        const deployments = Math.min(pairs, runs - done - Math.floor((runs - done) / 2));
        const lanes = stack.lanes.slice(0, deployments);
        const eventIds = Array.from({ length: Math.min(pairs, runs - done - deployments) }, () => `evt-faults-${randomUUID().slice(0, 8)}`);
        const before = lanes.map((lane) => deploymentBaseline(stack.sandbox, lane));
        const invoked = invocations();
        injector.setRate(rate);
        // The API's own calls are not faulted (only the emulators' services are), so starting runs succeeds at once.
        const ids = await Promise.all(lanes.map((lane) => stack.deploy(lane)));
        for (const eventId of eventIds) await distribute(stack.api, eventId, random.int(100, 500));
        const [results, statuses] = await Promise.all([
          Promise.all(ids.map((id) => driveDeployment(stack.api, id, { timeoutMs: 240_000 }))),
          Promise.all(eventIds.map((e) => settleDistribution(stack.api, e, 240_000))),
        ]);
        injector.setRate(0);
        ids.forEach((id, i) => {
          const losses = deploymentLosses(stack.sandbox, lanes[i]!, before[i]!, id, results[i], false);
          log(`  ${id}: ${losses.length === 0 ? 'ok' : losses.join('; ')}`);
          if (losses.length > 0) lost.push(`${id}: ${losses.join('; ')}`);
        });
        if (invocations() - invoked !== ids.length)
          lost.push(`hook Lambda invoked ${invocations() - invoked} times for ${ids.length} deployments`);
        eventIds.forEach((eventId, i) => {
          const losses = distributionLosses(stack.sandbox, eventId, statuses[i]);
          log(`  ${eventId}: ${losses.length === 0 ? 'ok' : losses.join('; ')}`);
          if (losses.length > 0) lost.push(`${eventId}: ${losses.join('; ')}`);
        });
      }
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${stack.logs()}`);
    } finally {
      injector.setRate(0);
      await stack.close();
    }
    const total = injector.total();
    const byService = new Map<string, number>();
    for (const [key, kinds] of Object.entries(injector.counts())) {
      const service = key.split(' ')[0]!;
      byService.set(service, (byService.get(service) ?? 0) + Object.values(kinds).reduce((a, b) => a + b, 0));
    }
    const kinds = (Object.keys(total) as FaultKind[]).map((k) => `${total[k]} ${k}`).join(', ');
    return { runs, lost, notes: `rate ${rate.toFixed(2)}, injected ${kinds} (${[...byService].map(([s, n]) => `${s} ${n}`).join(', ')})` };
  },
};
