// What the list feed (list-feed.ts) reads, each row as its own list route shows it: the newest
// deployments and distributions from Temporal visibility, and the freezes (the freeze workflow's
// query, cached a second by FreezeService).
import type { Client } from '@temporalio/client';
import { listDeployments } from '../deployments/deployment-list.js';
import type { DistributionService } from '../distributions/service.js';
import type { FreezeService } from '../freezes/freeze-service.js';
import type { ListReaders } from './list-feed.js';

/** Rows per list kept live: what the console's lists show. */
export const LIVE_LIST_LIMIT = 50;

export function listReaders(client: Client, distributions: DistributionService, freezes: FreezeService): ListReaders {
  return {
    deployment: async () =>
      (await listDeployments(client, { limit: LIVE_LIST_LIMIT }, undefined)).map((d) => ({
        id: d.deploymentId,
        status: d.status,
        item: d,
      })),
    distribution: async () => (await distributions.list(LIVE_LIST_LIMIT)).map((d) => ({ id: d.eventId, status: d.status, item: d })),
    freeze: async () => {
      const now = Date.now();
      return (await freezes.list()).map((f) => ({
        id: f.id,
        status: Date.parse(f.startsAt) <= now ? 'ACTIVE' : 'PLANNED',
        item: { ...f },
      }));
    },
  };
}
