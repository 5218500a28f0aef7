// Why: a deployment's workflow input, built from its request at the start and read back from history later.
import type { Client } from '@temporalio/client';
import type { ApprovalPolicy } from '../../domain/approval-policy.js';
import type { Builder, DeploymentInput, DeploymentLimits, DeployTarget } from '../../domain/deployment.js';
import type { ReleasePlan } from '../../domain/release-strategy.js';
import { ApiError, DEPLOYMENT_ERROR } from '../errors.js';
import { readStartInput } from '../temporal-reads.js';
import type { DeployRequest } from './deploy-request-schemas.js';

/** What a deployment is started with besides its request: all resolved by the API at admission. */
export interface ResolvedStart {
  target: DeployTarget;
  builder: Builder;
  limits: DeploymentLimits;
  requestedBy: string;
  requestedByPerson?: string;
  rollback?: DeploymentInput['rollback'];
  /** Resolved now, so the workflow enforces the policy this deployment started under. */
  approvalPolicy: ApprovalPolicy;
  release?: ReleasePlan;
}

/** The workflow input: connection ids, never secrets. */
export function deploymentInput(deploymentId: string, request: DeployRequest, resolved: ResolvedStart): DeploymentInput {
  const { requestedByPerson, rollback, release } = resolved;
  return {
    deploymentId,
    githubConnectionId: request.githubConnectionId,
    awsConnectionId: request.awsConnectionId,
    owner: request.owner,
    repo: request.repo,
    branch: request.branch,
    ...(request.version ? { version: request.version } : {}),
    target: resolved.target,
    builder: resolved.builder,
    limits: resolved.limits,
    requestedBy: resolved.requestedBy,
    ...(requestedByPerson ? { requestedByPerson } : {}),
    ...(rollback ? { rollback } : {}),
    approvalPolicy: resolved.approvalPolicy,
    ...(release ? { release } : {}),
  };
}

/** The original request of a deployment, from its first history event (no secrets live there). */
export async function startedRequest(client: Client, id: string): Promise<DeployRequest & { target: DeployTarget; builder: Builder }> {
  const input = await readStartInput<DeploymentInput>(client, id);
  if (!input) throw new ApiError(502, `The start input of ${id} cannot be read`, { deploymentId: id }, DEPLOYMENT_ERROR);
  return {
    githubConnectionId: input.githubConnectionId,
    awsConnectionId: input.awsConnectionId,
    owner: input.owner,
    repo: input.repo,
    branch: input.branch,
    ...(input.version ? { version: input.version } : {}),
    target: input.target,
    builder: input.builder,
  };
}
