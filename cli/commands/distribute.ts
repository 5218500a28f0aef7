// `switchyard distribute FILE.json`: sends a DistributionRequest (the Distribution Service's
// body, as a file, or `-` for standard input) and follows its channels to the end.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { unwrap, type Schemas } from '../client.js';
import { usageError } from '../exit-codes.js';
import { distributionExitCode, followDistribution } from '../follow-distribution.js';
import { table } from '../output.js';
import { examples, type Bind } from '../command-kit.js';

export function registerDistribute(program: Command, bind: Bind): void {
  examples(
    program
      .command('distribute')
      .description('Distribute content to channels and follow them (exit 0 completed, 1 failed or partly failed)')
      .argument('<file>', 'a DistributionRequest as JSON ({eventId, channels, contentUrls}), or - for standard input')
      .option('--wait', 'follow the channels to the end (the default)')
      .option('--no-wait', 'exit once the server has accepted it'),
    'switchyard distribute launch.json',
    'switchyard distribute launch.json --no-wait --output json',
  ).action(
    bind(async (ctx, [file], options) => {
      let text: string;
      try {
        text = file === '-' ? await ctx.io.readStdin() : readFileSync(file!, 'utf8');
      } catch (error) {
        throw usageError(`cannot read ${file}: ${(error as Error).message}`);
      }
      let body: Schemas['DistributionRequest'];
      try {
        body = JSON.parse(text) as Schemas['DistributionRequest'];
      } catch (error) {
        throw usageError(`${file} is not JSON: ${(error as Error).message}`);
      }
      const { data, status } = await unwrap(ctx.api.POST('/api/distribution/distribute', { body }), ctx.url);
      const settled = status === 200;
      if (settled || options['wait'] === false) {
        ctx.out.result(data, () => [
          `${data.eventId}  ${data.status}`,
          ...table(data.results, [
            { key: 'channel', title: 'CHANNEL' },
            { key: 'status', title: 'STATUS' },
            { key: 'message', title: 'MESSAGE' },
          ]),
        ]);
        return settled ? distributionExitCode(data.status) : undefined;
      }
      ctx.out.line(`${data.eventId}  ${data.status}: following ${body.channels.length} channel(s)`);
      return followDistribution(ctx, data.eventId, body.channels.length);
    }),
  );
}
