// `switchyard status [SERVICE]`: recent deployments (Temporal visibility), and for a service its
// live release: the deployment that completed last, with its version, commit, image and approver.
import type { Command } from 'commander';
import { unwrap, type Schemas } from '../client.js';
import { doraLines } from '../dora.js';
import { deploymentResult } from '../follow-deployment.js';
import { table } from '../output.js';
import { examples, type Bind } from '../command-kit.js';

export const DEPLOYMENT_COLUMNS = [
  { key: 'deploymentId', title: 'ID' },
  { key: 'status', title: 'STATUS' },
  { key: 'stage', title: 'STAGE' },
  { key: 'service', title: 'SERVICE' },
  { key: 'version', title: 'VERSION' },
  { key: 'startedAt', title: 'STARTED' },
  { key: 'closedAt', title: 'ENDED' },
] as const;

export function registerStatus(program: Command, bind: Bind): void {
  examples(
    program
      .command('status')
      .description('Recent deployments; with a service, also its live release')
      .argument('[service]', 'cluster/service or service')
      .option('--status <status>', 'only deployments in this status (IN_PROGRESS, DEPLOYMENT_READY, COMPLETED, FAILED, ROLLED_BACK, …)')
      .option('--limit <n>', 'how many (1–100)', '20')
      .option('--dora', 'the delivery metrics instead: deployment frequency, lead time, change failure rate, time to restore')
      .option('--from <date>', 'with --dora: start of the window (default: 30 days before --to)')
      .option('--to <date>', 'with --dora: end of the window (default: now)'),
    'switchyard status prod/api',
    'switchyard status --dora --from 2026-11-01',
    'switchyard status --status DEPLOYMENT_READY --output json',
  ).action(
    bind(async (ctx, [service], options) => {
      if (options['dora']) {
        const query = {
          ...(service ? { service } : {}),
          ...(options['from'] ? { from: String(options['from']) } : {}),
          ...(options['to'] ? { to: String(options['to']) } : {}),
        };
        const metrics = (await unwrap(ctx.api.GET('/api/v1/metrics/delivery', { params: { query } }), ctx.url)).data.data;
        ctx.out.result(metrics, () => doraLines(metrics));
        return;
      }
      const query: Record<string, string | number> = { limit: Number(options['limit']) };
      if (service) query['service'] = service;
      if (options['status']) query['status'] = String(options['status']);
      const deployments = (await unwrap(ctx.api.GET('/api/v1/deployments', { params: { query: query as never } }), ctx.url)).data.data
        .deployments;
      let live: Schemas['DeploymentResult'] | null = null;
      if (service) {
        const completed = (
          await unwrap(ctx.api.GET('/api/v1/deployments', { params: { query: { service, status: 'COMPLETED', limit: 1 } } }), ctx.url)
        ).data.data.deployments;
        if (completed[0]) live = await deploymentResult(ctx, completed[0].deploymentId);
      }
      ctx.out.result({ ...(service ? { service, live } : {}), deployments }, () => [
        ...(service
          ? [
              live
                ? `live: ${live.deploymentId}  ${live.owner}/${live.repo}@${live.version ?? live.branch}  commit ${live.commitSha ?? '-'}  image ${live.imageDigest ?? '-'}  since ${live.decidedAt ?? live.completedAt ?? '-'}  approved by ${live.approvedBy ?? '-'}`
                : `live: no completed release of ${service}`,
              '',
            ]
          : []),
        ...(deployments.length > 0 ? table(deployments, DEPLOYMENT_COLUMNS) : ['no deployments']),
      ]);
    }),
  );
}
