// The real deployment workflow (the run's bundle) on Temporal's time-skipping test server, for the
// cases that need hours of workflow time (gate timeouts, progressive releases): the server with
// Switchyard's search attributes, one worker of the caller's stub activities, and per deployment
// its start and the size of its history.
import type { WorkflowHandle } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { inject } from 'vitest';
import { INDEXED_VALUE_TYPES } from '../../common/temporal/cluster.js';
import { SEARCH_ATTRIBUTES } from '../../common/search-attributes.js';
import type { DeploymentInput } from '../../workflows/deployment/types.js';
import type { deploymentWorkflow } from '../../workflows/deployment/workflow.js';
import { findTemporalTestServer } from '../../scripts/temporal-binaries.mjs';
import { deploymentInput } from '../support/deployment-input.js';

export interface TimeSkippingDeployments {
  env: TestWorkflowEnvironment;
  /** Starts the deployment workflow as `id` with the stub input, patched. */
  start(id: string, patch?: Partial<DeploymentInput>): Promise<WorkflowHandle<typeof deploymentWorkflow>>;
  /** The events in `handle`'s history, logged with the task queue's name (the figure each case states). */
  historyLength(handle: WorkflowHandle): Promise<number>;
  teardown(): Promise<void>;
}

export async function startTimeSkippingDeployments(taskQueue: string, activities: object): Promise<TimeSkippingDeployments> {
  const path = findTemporalTestServer();
  if (!path) throw new Error('the time-skipping test server is missing: npm run setup:test');
  const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path } } });
  let worker: Worker;
  try {
    // The test server lists no search attributes (ListSearchAttributes is unimplemented) but takes new ones.
    await env.connection.operatorService.addSearchAttributes({
      namespace: env.namespace ?? 'default',
      searchAttributes: Object.fromEntries(SEARCH_ATTRIBUTES.map((key) => [key.name, INDEXED_VALUE_TYPES[key.type]!])),
    });
    worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: { codePath: inject('workflowBundlePath') },
      activities,
    });
  } catch (error) {
    await env.teardown();
    throw error;
  }
  const running = worker.run();
  return {
    env,
    start: (id, patch = {}) =>
      env.client.workflow.start<typeof deploymentWorkflow>('deploymentWorkflow', {
        taskQueue,
        workflowId: id,
        args: [deploymentInput(id, patch)],
      }),
    historyLength: async (handle) => {
      const length = (await handle.fetchHistory()).events?.length ?? 0;
      console.log(`[${taskQueue}] ${handle.workflowId}: ${length} history events`);
      return length;
    },
    teardown: async () => {
      worker.shutdown();
      await running;
      await env.teardown();
    },
  };
}
