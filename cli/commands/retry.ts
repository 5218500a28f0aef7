// `switchyard retry EVENT`: retries a distribution's failed channels (or the ones named).
import type { Command } from 'commander';
import { unwrap, type Schemas } from '../client.js';
import { CliError, EXIT } from '../exit-codes.js';
import { distributionExitCode, distributionStatus } from '../follow-distribution.js';
import { table } from '../output.js';
import { examples, type Bind } from '../command-kit.js';

type Channel = Schemas['RetryRequest']['channels'][number];

export function registerRetry(program: Command, bind: Bind): void {
  examples(
    program
      .command('retry')
      .description("Retry a distribution's failed channels (exit 0 when they all succeed)")
      .argument('<event>', 'the event id')
      .option('--channel <channel...>', 'only these channels (INSTAGRAM, NAVER_BLOG, …)'),
    'switchyard retry evt-12345',
    'switchyard retry evt-12345 --channel INSTAGRAM',
  ).action(
    bind(async (ctx, [eventId], options) => {
      let channels = (options['channel'] as Channel[] | undefined) ?? [];
      if (channels.length === 0) {
        channels = (await distributionStatus(ctx, eventId!)).channels.filter((c) => c.status === 'FAILED').map((c) => c.channel);
        if (channels.length === 0) throw new CliError(EXIT.REFUSED, `${eventId} has no failed channel to retry`);
      }
      const d = (
        await unwrap(
          ctx.api.POST('/api/distribution/{eventId}/retry', { params: { path: { eventId: eventId! } }, body: { channels } }),
          ctx.url,
        )
      ).data;
      ctx.out.result(d, () => [
        `${d.eventId}  retry ${d.retryStatus}`,
        ...table(d.results, [
          { key: 'channel', title: 'CHANNEL' },
          { key: 'status', title: 'STATUS' },
          { key: 'message', title: 'MESSAGE' },
        ]),
      ]);
      return distributionExitCode(d.retryStatus);
    }),
  );
}
