// The I/O behind GET /api/v1/metrics/delivery: the deployments that ended in a window, from
// Temporal visibility (kind, service, close time), each with its result (whether it is a rollback
// deployment, its commit's date), then the pure computation in domain/delivery-metrics.ts.
// Bounded: at most MAX_RUNS runs are read, and the answer says when the window held more.
import { WorkflowFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { DeployService, SwitchyardStatus } from '../../common/search-attributes.js';
import { deliveryReport, type DeliveryRun, type DeliveryWindow } from '../../domain/delivery-metrics.js';
import type { DeploymentSnapshot } from '../../domain/deployment.js';
import { ApiError } from '../errors.js';

/** Runs read per request at most: a window holding more is answered from the first ones, marked truncated. */
export const MAX_RUNS = 1000;
/** Results read at once (one history call each). */
const CONCURRENCY = 8;
const ENDED = ['COMPLETED', 'FAILED', 'ROLLED_BACK'] as const;

export interface DeliveryQuery {
  /** `cluster/service` or a bare service of the default cluster; absent, every service. */
  service?: string | undefined;
  window: DeliveryWindow;
}

export class DeliveryMetricsService {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
    private readonly defaultCluster: string | undefined,
    private readonly maxRuns = MAX_RUNS,
  ) {}

  async report({ service, window }: DeliveryQuery) {
    const serviceKey = service === undefined ? undefined : this.serviceKey(service);
    // Runs ending up to the rollback window after `to` are read too: a release of the window may be
    // rolled back or restored by them. They never count as releases of their own.
    const readTo = new Date(Math.min(window.to.getTime() + window.rollbackWindowMs, Math.max(window.to.getTime(), Date.now())));
    const quote = (v: string) => `'${v.replace(/['\\]/g, '')}'`;
    const clauses = [
      `SwitchyardKind = 'deployment'`,
      `TaskQueue = ${quote(this.taskQueue)}`,
      `SwitchyardStatus IN (${ENDED.map(quote).join(', ')})`,
      `CloseTime >= ${quote(window.from.toISOString())}`,
      `CloseTime <= ${quote(readTo.toISOString())}`,
      ...(serviceKey ? [`DeployService = ${quote(serviceKey)}`] : []),
    ];
    const listed: Omit<DeliveryRun, 'rollbackOf' | 'committedAt'>[] = [];
    let truncated = false;
    for await (const execution of this.client.workflow.list({ query: clauses.join(' AND '), pageSize: 100 })) {
      if (listed.length >= this.maxRuns) {
        truncated = true;
        break;
      }
      const status = execution.typedSearchAttributes.get(SwitchyardStatus);
      const runService = execution.typedSearchAttributes.get(DeployService);
      if (!execution.closeTime || !runService || !ENDED.includes(status as never)) continue;
      listed.push({
        deploymentId: execution.workflowId,
        service: runService,
        status: status as DeliveryRun['status'],
        startedAt: execution.startTime.toISOString(),
        closedAt: execution.closeTime.toISOString(),
      });
    }
    const runs: DeliveryRun[] = [];
    let unreadable = 0;
    await eachLimited(listed, CONCURRENCY, async (run) => {
      const result = await this.result(run.deploymentId);
      if (!result) {
        unreadable += 1;
        return;
      }
      runs.push({
        ...run,
        ...(result.rollbackOf ? { rollbackOf: result.rollbackOf } : {}),
        ...(result.committedAt ? { committedAt: result.committedAt } : {}),
      });
    });
    return { serviceKey, runs: { read: runs.length, unreadable, cap: this.maxRuns, truncated }, ...deliveryReport(runs, window) };
  }

  /** The final snapshot: the result, or for a FAILED run the failure's first detail. */
  private async result(deploymentId: string): Promise<Pick<DeploymentSnapshot, 'rollbackOf' | 'committedAt'> | undefined> {
    try {
      return (await this.client.workflow.getHandle(deploymentId).result()) as DeploymentSnapshot;
    } catch (error) {
      const cause = error instanceof WorkflowFailedError ? error.cause : undefined;
      return cause instanceof ApplicationFailure ? (cause.details?.[0] as DeploymentSnapshot | undefined) : undefined;
    }
  }

  /** As GET /api/v1/deployments: a bare service name is the default cluster's. */
  private serviceKey(service: string): string {
    if (service.includes('/')) return service;
    if (!this.defaultCluster) throw new ApiError(400, 'service must be given as cluster/service (no default cluster is configured)');
    return `${this.defaultCluster}/${service}`;
  }
}

async function eachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}
