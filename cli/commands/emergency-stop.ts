// `switchyard emergency-stop`: freezes everything and rolls back every deployment not yet
// switched (admin). It changes production at once, so it asks for --yes.
import type { Command } from 'commander';
import { unwrap, type Schemas } from '../client.js';
import { usageError } from '../exit-codes.js';
import { examples, type Bind } from '../command-kit.js';

export function registerEmergencyStop(program: Command, bind: Bind): void {
  examples(
    program
      .command('emergency-stop')
      .description('Freeze all services and roll back every deployment not yet switched (admin)')
      .requiredOption('--reason <text>', 'why')
      .option('--freeze-minutes <n>', 'how long the freeze over all services lasts (1–10080)', '60')
      .option('--yes', 'confirm: this rolls back deployments in progress'),
    'switchyard emergency-stop --reason "payments outage" --freeze-minutes 120 --yes',
  ).action(
    bind(async (ctx, _args, options) => {
      if (options['yes'] !== true)
        throw usageError('emergency-stop rolls back every deployment in progress and freezes all services: add --yes to confirm');
      const minutes = Number(options['freezeMinutes']);
      if (!Number.isInteger(minutes)) throw usageError(`--freeze-minutes takes a whole number, got ${String(options['freezeMinutes'])}`);
      const body: Schemas['EmergencyStopRequest'] = { reason: String(options['reason']), freezeMinutes: minutes };
      const d = (await unwrap(ctx.api.POST('/api/v1/freezes/emergency-stop', { body }), ctx.url)).data.data;
      ctx.out.result(d, () => [
        `frozen: all services until ${d.freeze.endsAt} (${d.freeze.id})`,
        `rolled back: ${d.stopped.length > 0 ? d.stopped.join(', ') : 'none'}`,
        ...d.failed.map((f) => `not stopped: ${f.deploymentId}: ${f.message}`),
      ]);
    }),
  );
}
