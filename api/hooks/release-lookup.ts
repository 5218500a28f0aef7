// Which deployment workflow follows an engine's deployment: the workflow indexes its CodeDeploy
// deployment id, or its ECS service deployment ARN, as CodeDeployDeploymentId when it starts it
// (workflows/deployment/stages/release*.ts). Both hook doors find the workflow this way.
import type { Client } from '@temporalio/client';
import { ApiError } from '../errors.js';
import { equals } from '../deployments/visibility-query.js';
import { HOOK_ERROR } from './hook-secret.js';

/** The stage that starts the engine's deployment (workflows/deployment/stages/release.ts). */
const RELEASE_STAGE = 4;
const LOOKUP_RETRY_MS = 250;

export interface ReleaseLookupDeps {
  client: Client;
  /** How long to wait for the deployment to show in Temporal visibility while one could still be it. Default 10 s. */
  lookupTimeoutMs?: number;
  /** This API's task queue: only its own deployments can be waiting to record an engine id. */
  taskQueue?: string;
}

export interface ReleaseWords {
  /** 404: no deployment has this id. */
  notFound: string;
  /** 503: one could still be it, but has not recorded its id yet. */
  notRecordedYet: string;
  /** The body's fields naming the id (the door's own field name). */
  details: Record<string, string>;
}

/**
 * The deployment workflow of an engine deployment: a running one first, else a closed one.
 * Visibility may lag the workflow's index by a moment, so the lookup is retried (within
 * lookupTimeoutMs) only while some running deployment could still be it: one at the release stage
 * (or just before it) with no id indexed yet; past the deadline that is a 503 (the Lambda retries),
 * since the deployment may be waiting for a restarted worker to record its id. Otherwise an id that
 * is not Switchyard's is answered 404 at once.
 */
export async function findReleaseWorkflow(deps: ReleaseLookupDeps, releaseId: string, words: ReleaseWords): Promise<string> {
  const deadline = Date.now() + (deps.lookupTimeoutMs ?? 10_000);
  for (;;) {
    const found = await lookUp(deps.client, releaseId);
    if (found) return found;
    if (!(await someDeploymentAwaitsItsId(deps))) throw new ApiError(404, words.notFound, words.details, HOOK_ERROR);
    // Still a candidate, but its workflow has not recorded the id: its worker may be restarting
    // (a crash right around the engine's start). Not a refusal: a 503 has the Lambda try again.
    if (Date.now() >= deadline) throw new ApiError(503, words.notRecordedYet, words.details, HOOK_ERROR);
    await new Promise((resolve) => setTimeout(resolve, LOOKUP_RETRY_MS));
  }
}

async function lookUp(client: Client, releaseId: string): Promise<string | undefined> {
  let closed: string | undefined;
  for await (const execution of client.workflow.list({ query: equals('CodeDeployDeploymentId', releaseId), pageSize: 10 })) {
    if (execution.status.name === 'RUNNING') return execution.workflowId;
    closed ??= execution.workflowId;
  }
  return closed;
}

/** Stage 3 counts too: the workflow's own stage-4 upsert may not be visible yet either. */
async function someDeploymentAwaitsItsId(deps: ReleaseLookupDeps): Promise<boolean> {
  // Scoped to this API's task queue: another installation's deployments in the same namespace
  // are not its to wait for.
  const queue = deps.taskQueue ? ` AND ${equals('TaskQueue', deps.taskQueue)}` : '';
  const query = `SwitchyardKind = 'deployment' AND ExecutionStatus = 'Running' AND DeployStage >= ${RELEASE_STAGE - 1} AND CodeDeployDeploymentId IS NULL${queue}`;
  // A visibility store that cannot answer this query leaves the bounded wait as it was.
  return deps.client.workflow.count(query).then(
    ({ count }) => count > 0,
    () => true,
  );
}
