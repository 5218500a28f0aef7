// Deployments as visibility sees them (search attributes, no worker needed): the list route,
// a service's current release, and what an emergency stop stops.
import type { Client } from '@temporalio/client';
import { CodeDeployDeploymentId, DeployRepository, DeployService, DeployStage, SwitchyardStatus } from '../../common/search-attributes.js';
import { ApiError } from '../errors.js';
import { allOf, equals, isIn } from './visibility-query.js';

export interface DeploymentFilter {
  status?: string;
  service?: string;
  repository?: string;
  limit: number;
}

/** `defaultCluster` completes a bare service name (DeployService holds `cluster/service`). */
export async function listDeployments(client: Client, filter: DeploymentFilter, defaultCluster: string | undefined) {
  const clauses = [equals('SwitchyardKind', 'deployment')];
  if (filter.status) clauses.push(equals('SwitchyardStatus', filter.status));
  if (filter.service) {
    if (!filter.service.includes('/') && !defaultCluster)
      throw new ApiError(400, 'service must be given as cluster/service (no default cluster is configured)');
    clauses.push(equals('DeployService', filter.service.includes('/') ? filter.service : `${defaultCluster}/${filter.service}`));
  }
  if (filter.repository) clauses.push(equals('DeployRepository', filter.repository));
  const items = [];
  for await (const execution of client.workflow.list({ query: allOf(...clauses), pageSize: filter.limit })) {
    const attributes = execution.typedSearchAttributes;
    items.push({
      deploymentId: execution.workflowId,
      status: attributes.get(SwitchyardStatus) ?? execution.status.name,
      stage: attributes.get(DeployStage) ?? null,
      repository: attributes.get(DeployRepository) ?? null,
      version: typeof execution.memo?.version === 'string' ? execution.memo.version : null,
      service: attributes.get(DeployService) ?? null,
      codeDeployDeploymentId: attributes.get(CodeDeployDeploymentId) ?? null,
      startedAt: execution.startTime.toISOString(),
      closedAt: execution.closeTime?.toISOString() ?? null,
    });
    if (items.length >= filter.limit) break;
  }
  return items;
}

/** The service's current release: its deployment that completed last. */
export async function currentRelease(client: Client, serviceKey: string, defaultCluster: string | undefined): Promise<string | undefined> {
  const completed = await listDeployments(client, { status: 'COMPLETED', service: serviceKey, limit: 100 }, defaultCluster);
  return completed.sort((a, b) => Date.parse(b.closedAt ?? b.startedAt) - Date.parse(a.closedAt ?? a.startedAt))[0]?.deploymentId;
}

/** Running deployments not yet switched (stages 1–4 or at the gate) of this Switchyard's task queue. */
export async function unswitchedDeployments(client: Client, taskQueue: string, limit: number): Promise<string[]> {
  const ids: string[] = [];
  // Other installations may share the namespace: only those on this task queue.
  const query = allOf(
    equals('SwitchyardKind', 'deployment'),
    equals('ExecutionStatus', 'Running'),
    isIn('SwitchyardStatus', ['IN_PROGRESS', 'DEPLOYMENT_READY']),
    equals('TaskQueue', taskQueue),
  );
  for await (const execution of client.workflow.list({ query, pageSize: 100 })) {
    ids.push(execution.workflowId);
    if (ids.length >= limit) break;
  }
  return ids;
}
