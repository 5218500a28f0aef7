// A failure in each stage, on the real workflow code with stub activities: the deployment fails
// with the seed's error code and stage, its final snapshot travels as the failure's details, and
// whatever CodeDeploy started is stopped.
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rollbackUpdate, switchTrafficUpdate } from '../../workflows/deployment/messages.js';
import type { DeploymentSnapshot } from '../../workflows/deployment/types.js';
import { FAST_LIMITS, holdFor, startStubWorker, type DeploymentHandle, type StubActivities, type StubHarness } from './stub-worker.js';

const permanent = (message: string, type: string) => async (): Promise<never> => {
  throw ApplicationFailure.nonRetryable(message, type);
};
const figures = { latencyMs: 10, errorRate: 0, samples: 5 };

async function failure(
  handle: DeploymentHandle,
): Promise<{ type: string | undefined | null; message: string; snapshot: DeploymentSnapshot }> {
  const error = await handle.result().then(
    () => {
      throw new Error('the deployment did not fail');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WorkflowFailedError);
  const cause = (error as WorkflowFailedError).cause as ApplicationFailure;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return { type: cause.type, message: cause.message, snapshot: cause.details?.[0] as DeploymentSnapshot };
}

describe('deployment workflow failures (stub activities)', () => {
  let harness: StubHarness;
  beforeAll(async () => {
    harness = await startStubWorker('wf-failures');
  });
  afterAll(async () => {
    await harness?.close();
  });

  const cases: { stage: number; what: string; stubs: Partial<StubActivities>; code: string; message: string; stops: boolean }[] = [
    {
      stage: 1,
      what: 'the source',
      stubs: { resolveSource: permanent('Dockerfile not found in repository', 'DOCKER_BUILD_FAILED') },
      code: 'DOCKER_BUILD_FAILED',
      message: 'Dockerfile not found in repository',
      stops: false,
    },
    {
      stage: 1,
      what: 'the build',
      stubs: { buildImage: permanent('Docker build failed: run 7 concluded failure', 'DOCKER_BUILD_FAILED') },
      code: 'DOCKER_BUILD_FAILED',
      message: 'Docker build failed: run 7 concluded failure',
      stops: false,
    },
    // An unclassified failure takes the stage's default code.
    {
      stage: 2,
      what: 'the push',
      stubs: { ensureEcrImage: permanent('image not in ECR', 'ImageNotFound') },
      code: 'DOCKER_BUILD_FAILED',
      message: 'image not in ECR',
      stops: false,
    },
    {
      stage: 3,
      what: 'the task definition',
      stubs: { registerTaskDefinition: permanent('cluster not found', 'ECS_DEPLOYMENT_FAILED') },
      code: 'ECS_DEPLOYMENT_FAILED',
      message: 'cluster not found',
      stops: false,
    },
    {
      stage: 4,
      what: 'CodeDeploy',
      stubs: { awaitCodeDeploy: permanent('CodeDeploy deployment d-STUB00001 Failed', 'ECS_DEPLOYMENT_FAILED') },
      code: 'ECS_DEPLOYMENT_FAILED',
      message: 'CodeDeploy deployment d-STUB00001 Failed',
      stops: true,
    },
    {
      stage: 4,
      what: 'the health probes',
      stubs: { probeHealth: async () => ({ blue: figures, green: { ...figures, errorRate: 0.6 }, greenHealthy: false }) },
      code: 'HEALTH_CHECK_FAILED',
      message: 'Green service failed health checks: error rate 0.6 over 5 probes',
      stops: true,
    },
  ];

  it.each(cases)('fails in stage $stage when $what fails', async ({ stage, stubs, code, message, stops }) => {
    const handle = await harness.start(stubs);
    const failed = await failure(handle);
    expect(failed).toMatchObject({ type: code, message });
    expect(failed.snapshot).toMatchObject({
      status: 'FAILED',
      errorCode: code,
      failedStage: stage,
      errorMessage: message,
      finalService: null,
    });
    expect(harness.calls(handle.workflowId).includes('stopCodeDeploy')).toBe(stops);
    // Ended: neither decision is possible any more.
    await expect(handle.executeUpdate(rollbackUpdate, { args: [{ by: 'tester', via: 'api' }] })).rejects.toThrow();
  });

  it('fails in stage 5 when the switch fails, and stops CodeDeploy', async () => {
    const handle = await harness.start({
      awaitCodeDeploy: async ({ until }) => {
        if (until === 'Succeeded')
          throw ApplicationFailure.nonRetryable('CodeDeploy deployment d-STUB00001 Stopped', 'ECS_DEPLOYMENT_FAILED');
        return { status: 'Ready' };
      },
    });
    await harness.waitFor(handle, (s) => s.status === 'DEPLOYMENT_READY');
    await handle.executeUpdate(switchTrafficUpdate, { args: [{ by: 'tester', via: 'api' }] });
    const failed = await failure(handle);
    expect(failed.snapshot).toMatchObject({
      status: 'FAILED',
      errorCode: 'ECS_DEPLOYMENT_FAILED',
      failedStage: 5,
      decision: { action: 'switch' },
    });
    expect(harness.calls(handle.workflowId)).toContain('stopCodeDeploy');
  });

  it('fails with DEPLOYMENT_TIMEOUT when a stage outlives its limit', async () => {
    const handle = await harness.start({ buildImage: holdFor() }, { limits: { ...FAST_LIMITS, stageMs: 400 } });
    const failed = await failure(handle);
    expect(failed.type).toBe('DEPLOYMENT_TIMEOUT');
    expect(failed.message).toMatch(/^Deployment timed out at Stage 1 after \d+ seconds \(timeout: 0 seconds\)$/);
    expect(failed.snapshot).toMatchObject({ status: 'FAILED', errorCode: 'DEPLOYMENT_TIMEOUT', failedStage: 1 });
  });
});
