// Follows a distribution's channels to the end (distribute): one line per channel event, a
// status line counting channels done, then the per-channel status. Exit 0 when COMPLETED, 1 for
// PARTIAL_FAILURE or FAILED.
import { unwrap, type Schemas } from './client.js';
import type { CommandContext } from './context.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import { progressBar, table } from './output.js';
import { followSse } from './sse.js';

type Status = Schemas['DistributionStatusResponse'];

const ENDED = new Set(['COMPLETED', 'PARTIAL_FAILURE', 'FAILED']);

export async function distributionStatus(ctx: CommandContext, eventId: string): Promise<Status> {
  return (await unwrap(ctx.api.GET('/api/distribution/{eventId}/status', { params: { path: { eventId } } }), ctx.url)).data;
}

export const distributionExitCode = (status: string): ExitCode => (status === 'COMPLETED' ? EXIT.OK : EXIT.FAILED);

export function statusLines(s: Status): string[] {
  return [
    `${s.eventId}  ${s.overallStatus}`,
    ...table(
      s.channels.map((c) => ({ ...c, result: c.postUrl ?? c.postId ?? c.adId ?? c.messageId ?? c.errorMessage })),
      [
        { key: 'channel', title: 'CHANNEL' },
        { key: 'status', title: 'STATUS' },
        { key: 'progress', title: '%' },
        { key: 'retries', title: 'RETRIES' },
        { key: 'result', title: 'RESULT' },
      ],
    ),
  ];
}

export async function followDistribution(ctx: CommandContext, eventId: string, total: number): Promise<ExitCode> {
  const done = new Set<string>();
  let final: Status | undefined;
  const settled = async () => {
    const status = await distributionStatus(ctx, eventId);
    if (!ENDED.has(status.overallStatus)) return false;
    final = status;
    return true;
  };
  await followSse({
    url: ctx.url,
    open: (lastEventId) =>
      ctx.api.GET('/api/distribution/{eventId}/events', {
        params: { path: { eventId } },
        headers: lastEventId > 0 ? { 'last-event-id': String(lastEventId) } : {},
        parseAs: 'stream',
      }),
    onMessage: async (message) => {
      if (message.event === 'connected' || message.event === 'error') return false;
      let payload: { message?: string; details?: Record<string, unknown>; at?: string } = {};
      try {
        payload = JSON.parse(message.data) as typeof payload;
      } catch {
        payload = { message: message.data };
      }
      const details = payload.details ?? {};
      if (message.event === 'channel' && typeof details['channel'] === 'string') {
        if (details['status'] === 'COMPLETED' || details['status'] === 'FAILED') done.add(details['channel']);
        else done.delete(details['channel']);
      }
      ctx.out.line(`${payload.at?.slice(11, 19) ?? ''}  ${message.event.padEnd(7)}  ${payload.message ?? ''}`);
      ctx.out.status(`channels ${progressBar(total > 0 ? done.size / total : 0)}  ${done.size}/${total} done`);
      if (message.event === 'success' || message.event === 'fail') {
        for (let i = 0; i < 20 && !(await settled()); i += 1) await new Promise((r) => setTimeout(r, 250));
        return final !== undefined;
      }
      return false;
    },
    onClose: settled,
  });
  ctx.out.end();
  const status = final!;
  ctx.out.result({ ...status, exitCode: distributionExitCode(status.overallStatus) }, () => statusLines(status));
  return distributionExitCode(status.overallStatus);
}
