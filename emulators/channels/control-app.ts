// Operator endpoints of the sandbox, under /_emulator:
//   GET  /_emulator/state                         every channel's drafts/containers and publish counts
//   POST /_emulator/faults {clear: true|false, channel?}  clear (or restore) test-value failures
//   POST /_emulator/reset                         forget everything
import { Hono } from 'hono';
import { z } from 'zod';
import { CHANNEL_TYPES } from '../../domain/channels.js';
import type { ChannelEmulatorState } from './emulator-state.js';

const faultsBody = z.object({ clear: z.boolean(), channel: z.enum(CHANNEL_TYPES).optional() });

export function createControlApp(state: ChannelEmulatorState): Hono {
  const app = new Hono();

  app.get('/state', (c) => c.json(state.summary()));

  app.post('/faults', async (c) => {
    const parsed = faultsBody.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) return c.json({ error: 'BAD_REQUEST', message: z.prettifyError(parsed.error) }, 400);
    const { clear, channel } = parsed.data;
    if (clear) state.clearFaults(channel);
    else state.restoreFaults(channel);
    return c.json({ faultsCleared: clear, channels: channel ? [channel] : CHANNEL_TYPES });
  });

  app.post('/reset', (c) => {
    state.reset();
    return c.json({ reset: true });
  });

  return app;
}
