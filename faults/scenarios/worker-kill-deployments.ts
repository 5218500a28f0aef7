// Fault 1a: the worker is SIGKILLed once per deployment, at a point chosen per run from the five
// stages (spread so that every stage gets its runs, stage 2 included), and a fresh worker is
// started. The deployment must still complete with every side effect exactly once.
import { deploymentBaseline, deploymentLosses } from '../deployment-ledger.js';
import { driveDeployment } from '../drive.js';
import { activitiesInFlight, tally } from '../in-flight.js';
import type { Random } from '../random.js';
import { spread } from '../random.js';
import type { Scenario } from '../scenario.js';
import { startStack, type Stack } from '../stack.js';
import { whenAwsCall, whenState, type Trigger } from '../triggers.js';

const STEP_MS = 150;
const STAGES = [1, 2, 3, 4, 5] as const;

export const workerKillDeployments: Scenario = {
  name: 'worker SIGKILL during deployments',
  runs: { ci: 3, full: 12 },
  async run({ temporal, client, random, runs, log }) {
    const stack = await startStack(temporal, { name: 'kill-deploy', stepMs: STEP_MS, pollMs: 100, tap: true });
    const lost: string[] = [];
    const landed: string[] = [];
    try {
      const plan = spread(random, STAGES, runs);
      // A small budget still kills in stage 2, the short one an earlier suite never reached.
      if (!plan.includes(2)) plan[0] = 2;
      for (const [index, stage] of plan.entries()) {
        const since = Date.now();
        const lane = stack.lanes[0]!;
        const before = deploymentBaseline(stack.sandbox, lane);
        const knownCodeDeploys = new Set(stack.sandbox.aws.state.codedeploy.deployments.keys());
        const id = await stack.deploy(lane);
        const trigger = killPoint(stack, random, stage, id, knownCodeDeploys);
        let done = false;
        // The kill runs beside the operator's drive: it waits for its moment, kills, looks at what
        // the server had in flight, and starts the replacement.
        const killing = (async () => {
          if (!(await trigger.wait(() => done))) return 'no kill (the run ended first)';
          await stack.killWorker();
          const inFlight = await activitiesInFlight(client, id);
          await stack.startWorker();
          return inFlight.join('+') || 'no activity';
        })();
        const result = await driveDeployment(stack.api, id);
        done = true;
        const where = await killing;
        landed.push(`${stage}:${where}`);
        const losses = deploymentLosses(stack.sandbox, lane, before, id, result);
        log(
          `  run ${index + 1} stage ${stage} ${Date.now() - since} ms (${trigger.describe}, in flight: ${where}): ${losses.length === 0 ? 'ok' : losses.join('; ')}`,
        );
        if (where.startsWith('no kill')) losses.push(`the stage ${stage} kill point (${trigger.describe}) never came`);
        // What the API told the hook Lambda: where a CodeDeploy id recorded too late shows.
        const hookAnswers = stack.hooks.answers.filter((a) => a.codeDeployDeploymentId === result?.codeDeployDeploymentId);
        if (losses.length > 0) losses.push(`hook answers: ${hookAnswers.map((a) => `${a.status} ${a.body}`).join(' | ') || 'none'}`);
        if (losses.length > 0) lost.push(`${id} (stage ${stage}, ${trigger.describe}, in flight: ${where}): ${losses.join('; ')}`);
      }
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${stack.logs()}`);
    } finally {
      await stack.close();
    }
    const waits = stack.admissionWaits;
    const admission =
      waits.length > 0
        ? `; ${waits.length} deploys refused 409 for a while by an already-ended deployment (up to ${Math.max(...waits)} ms)`
        : '';
    return { runs, lost, notes: `kills by stage and activity in flight: ${tally(landed)}${admission}` };
  },
};

/** The moment of the kill for `stage`, from the emulators' state or an AWS call, plus a small random delay. */
function killPoint(stack: Stack, random: Random, stage: number, id: string, knownCodeDeploys: Set<string>): Trigger {
  const { github, aws } = stack.sandbox;
  const tap = stack.tap!;
  const kill = () => void stack.killWorker();
  const ours = () => [...aws.state.codedeploy.deployments.keys()].find((d) => !knownCodeDeploys.has(d));
  switch (stage) {
    case 1:
      // The build was dispatched: the worker is watching the run (it takes seconds).
      return whenState('build dispatched', () => github.state.dispatchCount(id) >= 1, random.int(0, 6 * STEP_MS));
    case 2:
      // ECR: the repository lookup or the image lookup, mid-call or just answered.
      return whenAwsCall(tap, random.pick(['DescribeRepositories', 'DescribeImages']), random.pick(['request', 'response'] as const), kill);
    case 3:
      return whenAwsCall(tap, 'RegisterTaskDefinition', random.pick(['request', 'response'] as const), kill);
    case 4:
      // CreateDeployment itself, or later while CodeDeploy runs towards Ready.
      return random.next() < 0.4
        ? whenAwsCall(tap, 'CreateDeployment', random.pick(['request', 'response'] as const), kill)
        : whenState('CodeDeploy deployment created', () => ours() !== undefined, random.int(0, 6 * STEP_MS));
    default:
      // After the switch: ContinueDeployment itself, or while CodeDeploy moves traffic.
      return random.next() < 0.4
        ? whenAwsCall(tap, 'ContinueDeployment', random.pick(['request', 'response'] as const), kill)
        : whenState(
            'ContinueDeployment received',
            () => {
              const d = ours();
              return d !== undefined && aws.state.counters.continueDeploymentCalls.get(d) >= 1;
            },
            random.int(0, 4 * STEP_MS),
          );
  }
}
