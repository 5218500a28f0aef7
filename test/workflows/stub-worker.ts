// The real deployment workflow (the run's bundle) on a worker of its own task queue, with stub
// activities: plain async functions that answer at once, as in temporalio/samples-typescript's
// workflows-mocks tests. A test replaces any of them for one deployment (keyed by workflow id) to
// make a stage fail, hold or report progress, and reads which activities ran.
import { randomUUID } from 'node:crypto';
import { Context } from '@temporalio/activity';
import type { WorkflowHandle } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { expect, inject } from 'vitest';
import type { Activities } from '../../activities/index.js';
import { createGovernanceActivities } from '../../activities/governance/freezes.js';
import { deploymentSnapshotQuery } from '../../workflows/deployment/messages.js';
import type { DeploymentInput, DeploymentSnapshot } from '../../workflows/deployment/types.js';
import type { deploymentWorkflow } from '../../workflows/deployment/workflow.js';
import { connectClient, uniqueTaskQueue } from '../support/temporal.js';
import { deploymentInput } from '../support/deployment-input.js';
import { installQuietRuntime } from '../support/quiet-runtime.js';

const USED = [
  'resolveSource',
  'buildImage',
  'ensureEcrImage',
  'registerTaskDefinition',
  'describeServiceTaskDefinition',
  'startCodeDeploy',
  'awaitCodeDeploy',
  'continueCodeDeploy',
  'stopCodeDeploy',
  'reportLifecycleHookSucceeded',
  'probeHealth',
  'probeProduction',
  'postDeploymentMessage',
  'updateDeploymentMessage',
  'postTestTrafficNotice',
  'updateTestTrafficNotice',
  'postEscalation',
  'updateEscalation',
  'watchGreen',
  'freezeCovering',
] as const;
type Used = (typeof USED)[number];
export type StubActivities = { [K in Used]: (input: Parameters<Activities[K]>[0]) => Promise<Awaited<ReturnType<Activities[K]>>> };

const figures = { latencyMs: 12, errorRate: 0, samples: 5 };
const CODEDEPLOY_ID = 'd-STUB00001';
const defaults: StubActivities = {
  resolveSource: async ({ ref }) => ({ sha: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678', ref, dockerfilePath: 'Dockerfile' }),
  buildImage: async ({ imageTag }) => ({ imageTag, runUrl: 'https://github.example/runs/1' }),
  ensureEcrImage: async ({ repository, imageTag }) => ({
    repositoryUri: `123456789012.dkr.ecr.test.amazonaws.com/${repository}`,
    imageUri: `123456789012.dkr.ecr.test.amazonaws.com/${repository}:${imageTag}`,
    imageDigest: 'sha256:0123',
    repositoryCreated: false,
  }),
  registerTaskDefinition: async () => ({
    taskDefinitionArn: 'arn:aws:ecs:test:1:task-definition/app:2',
    previousTaskDefinitionArn: 'arn:aws:ecs:test:1:task-definition/app:1',
    serviceCreated: false,
  }),
  describeServiceTaskDefinition: async () => ({ taskDefinitionArn: 'arn:aws:ecs:test:1:task-definition/app:2' }),
  startCodeDeploy: async () => ({ codeDeployDeploymentId: CODEDEPLOY_ID }),
  awaitCodeDeploy: async () => ({ status: 'Ready', blueServiceArn: 'arn:blue', greenServiceArn: 'arn:green' }),
  continueCodeDeploy: async () => undefined,
  stopCodeDeploy: async () => ({ status: 'Stopped' }),
  reportLifecycleHookSucceeded: async () => ({ alreadyCompleted: false }),
  probeHealth: async () => ({ blue: figures, green: figures, greenHealthy: true }),
  probeProduction: async () => figures,
  postDeploymentMessage: async () => ({ channel: 'CSTUB', ts: '1.0' }),
  updateDeploymentMessage: async () => undefined,
  postTestTrafficNotice: async () => null,
  updateTestTrafficNotice: async () => undefined,
  postEscalation: async () => null,
  updateEscalation: async () => undefined,
  // The real read of the freeze workflow on the stub's task queue: no freeze unless a test sets one.
  freezeCovering: createGovernanceActivities().freezeCovering,
  // A watch that finds nothing: it holds until the workflow cancels it (a decision came).
  watchGreen: async () => {
    await Context.current().sleep(3_600_000);
    throw new Error('watched too long');
  },
};

/** The stub activities every deployment gets unless a test replaces some (for other test servers too). */
export const STUB_ACTIVITIES: Readonly<StubActivities> = defaults;

// The workflow's input, pure data, lives apart so the unit tier can use it without this worker.
export { deploymentInput, FAST_LIMITS } from '../support/deployment-input.js';

/** An activity that waits until the worker cancels it (at shutdown) or `ms` pass: a stage that is still running. */
export function holdFor(ms = 20_000): () => Promise<never> {
  return async () => {
    await Context.current().sleep(ms);
    throw new Error('held too long');
  };
}

export type DeploymentHandle = WorkflowHandle<typeof deploymentWorkflow>;

export interface StubHarness {
  /** The task queue its worker polls (an API for these deployments uses it too). */
  taskQueue: string;
  start(overrides?: Partial<StubActivities>, patch?: Partial<DeploymentInput>): Promise<DeploymentHandle>;
  /** Activity names in the order they were called for a deployment. */
  calls(deploymentId: string): string[];
  /** Polls the workflow's snapshot until `until` holds; returns that snapshot. */
  waitFor(handle: DeploymentHandle, until: (s: DeploymentSnapshot) => boolean): Promise<DeploymentSnapshot>;
  close(): Promise<void>;
}

export async function startStubWorker(prefix: string): Promise<StubHarness> {
  installQuietRuntime();
  const taskQueue = uniqueTaskQueue(prefix);
  const overrides = new Map<string, Partial<StubActivities>>();
  const called = new Map<string, string[]>();
  const activities = Object.fromEntries(
    USED.map((name) => [
      name,
      async (arg: never) => {
        const id = Context.current().info.workflowExecution?.workflowId ?? '';
        called.set(id, [...(called.get(id) ?? []), name]);
        const fn = (overrides.get(id)?.[name] ?? defaults[name]) as (input: never) => Promise<unknown>;
        return fn(arg);
      },
    ]),
  );
  const connection = await NativeConnection.connect({ address: inject('temporalAddress') });
  const worker = await Worker.create({
    connection,
    namespace: inject('temporalNamespace'),
    taskQueue,
    activities,
    workflowBundle: { codePath: inject('workflowBundlePath') },
  });
  const running = worker.run();
  const temporal = await connectClient();
  return {
    taskQueue,
    async start(stubs = {}, patch = {}) {
      const deploymentId = `dep-${randomUUID().slice(0, 8)}`;
      overrides.set(deploymentId, stubs);
      return temporal.client.workflow.start<typeof deploymentWorkflow>('deploymentWorkflow', {
        // A stuck test ends in minutes; a deployment given longer limits gets them.
        workflowId: deploymentId,
        taskQueue,
        args: [deploymentInput(deploymentId, patch)],
        workflowExecutionTimeout: Math.max(2 * 60_000, (patch.limits?.totalMs ?? 0) + 60_000),
      });
    },
    calls: (deploymentId) => called.get(deploymentId) ?? [],
    async waitFor(handle, until) {
      let last: DeploymentSnapshot | undefined;
      await expect
        .poll(
          async () => {
            last = await handle.query(deploymentSnapshotQuery);
            return until(last);
          },
          { timeout: 15_000, interval: 50 },
        )
        .toBe(true);
      return last!;
    },
    async close() {
      worker.shutdown();
      await running;
      await connection.close();
      await temporal.close();
    },
  };
}

/** A stage held until the test lets it go: `wait` for the stub, `release` for the test. */
export function latch(): { wait: () => Promise<void>; release: () => void } {
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { wait: () => released, release };
}
