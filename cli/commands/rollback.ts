// `switchyard rollback SERVICE|ID`: a deployment id stops it before its switch, or undoes it when
// it is the service's current release; a service undoes its current release (the deployment that
// completed last), as Slack's /platform-rollback does.
import type { Command } from 'commander';
import { unwrap, type Schemas } from '../client.js';
import { CliError, EXIT } from '../exit-codes.js';
import { examples, type Bind } from '../command-kit.js';

const DEPLOYMENT_ID = /^dep_[a-z0-9]{10}$/;

export function registerRollback(program: Command, bind: Bind): void {
  examples(
    program
      .command('rollback')
      .description("Roll back a deployment, or a service's current release")
      .argument('<service-or-id>', 'a deployment id (dep_…), or cluster/service')
      .option('--reason <text>', "why (some services' policies require one)"),
    'switchyard rollback dep_k1l2m3n4o5 --reason "error rate up"',
    'switchyard rollback prod/api --reason "bad release"',
  ).action(
    bind(async (ctx, [target], options) => {
      let id = target!;
      if (!DEPLOYMENT_ID.test(id)) {
        const completed = (
          await unwrap(ctx.api.GET('/api/v1/deployments', { params: { query: { service: id, status: 'COMPLETED', limit: 1 } } }), ctx.url)
        ).data.data.deployments;
        if (!completed[0]) throw new CliError(EXIT.REFUSED, `no completed release of ${id} to roll back`);
        id = completed[0].deploymentId;
      }
      const body: Schemas['RollbackRequest'] = options['reason'] ? { reason: String(options['reason']) } : {};
      const d = (await unwrap(ctx.api.POST('/api/v1/deploy/{id}/rollback', { params: { path: { id } }, body }), ctx.url)).data.data;
      ctx.out.result(d, () => [
        `${d.deploymentId}: ${d.message}${d.rollbackDeploymentId ? ` (rollback: ${d.rollbackDeploymentId}; follow it with switchyard watch ${d.rollbackDeploymentId})` : ''}`,
      ]);
    }),
  );
}
