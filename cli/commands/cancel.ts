// `switchyard cancel EVENT`: cancels a distribution's channels still waiting for their scheduled time.
import type { Command } from 'commander';
import { unwrap } from '../client.js';
import { examples, type Bind } from '../command-kit.js';

export function registerCancel(program: Command, bind: Bind): void {
  examples(
    program
      .command('cancel')
      .description("Cancel a distribution's channels still waiting for their scheduled time")
      .argument('<event>', 'the event id'),
    'switchyard cancel evt-12345',
  ).action(
    bind(async (ctx, [eventId]) => {
      const d = (await unwrap(ctx.api.DELETE('/api/distribution/{eventId}', { params: { path: { eventId: eventId! } } }), ctx.url)).data;
      ctx.out.result(d, () => [
        `${d.eventId}: cancelled ${d.cancelledChannels.length > 0 ? d.cancelledChannels.join(', ') : 'nothing (no channel was waiting)'}; now ${d.status.overallStatus}`,
      ]);
    }),
  );
}
