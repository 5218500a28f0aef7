// `switchyard watch ID`: follows a deployment already running (or shows how it ended), with the
// same display and exit codes as deploy.
import type { Command } from 'commander';
import { deploymentResult, exitCodeOf, followDeployment, resultLines } from '../follow-deployment.js';
import { examples, type Bind } from '../command-kit.js';

export function registerWatch(program: Command, bind: Bind): void {
  examples(
    program
      .command('watch')
      .description('Follow a deployment to its end (exit 0 completed, 1 failed or rolled back)')
      .argument('<id>', 'the deployment id (dep_…)'),
    'switchyard watch dep_k1l2m3n4o5',
  ).action(
    bind(async (ctx, [id]) => {
      const now = await deploymentResult(ctx, id!);
      if (['COMPLETED', 'FAILED', 'ROLLED_BACK'].includes(now.status)) {
        ctx.out.result({ ...now, exitCode: exitCodeOf(now.status) }, () => resultLines(now));
        return exitCodeOf(now.status);
      }
      return followDeployment(ctx, id!);
    }),
  );
}
