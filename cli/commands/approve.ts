// `switchyard approve ID`: one approval at the gate. The service's policy decides whether it is
// enough to switch traffic (200) or more are needed (202), or refuses it with the rule (403).
import type { Command } from 'commander';
import { unwrap, type Schemas } from '../client.js';
import { examples, type Bind } from '../command-kit.js';

export function registerApprove(program: Command, bind: Bind): void {
  examples(
    program
      .command('approve')
      .description('Approve a deployment waiting at the gate (switches traffic once the policy is met)')
      .argument('<id>', 'the deployment id (dep_…)')
      .option('--reason <text>', 'recorded with the approval')
      .option('--override', 'admins: switch although a freeze covers the service (recorded)'),
    'switchyard approve dep_k1l2m3n4o5 --reason "canary looks good"',
  ).action(
    bind(async (ctx, [id], options) => {
      const body: Schemas['SwitchRequest'] = {
        ...(options['reason'] ? { reason: String(options['reason']) } : {}),
        ...(options['override'] ? { override: true } : {}),
      };
      const { data, status } = await unwrap(ctx.api.POST('/api/v1/deploy/{id}/switch', { params: { path: { id: id! } }, body }), ctx.url);
      const d = data.data;
      const pending = status === 202;
      ctx.out.result({ ...d, switching: !pending }, () => [
        pending
          ? `${d.deploymentId}: approval recorded (${d.approvals?.length ?? '?'} of ${d.approvalsRequired ?? '?'}): ${d.message}`
          : `${d.deploymentId}: ${d.message}`,
      ]);
    }),
  );
}
