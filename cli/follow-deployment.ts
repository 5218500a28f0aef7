// Follows a deployment to its end (deploy --wait, watch): its event stream drawn by
// DeploymentView, and at the end its result, which decides the exit code: 0 for COMPLETED, 1 for
// FAILED or ROLLED_BACK. A hint names the approve command when the deployment reaches the gate.
import { unwrap, type Schemas } from './client.js';
import type { CommandContext } from './context.js';
import { DeploymentView, type StreamEvent } from './deployment-view.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import { followSse } from './sse.js';

type Result = Schemas['DeploymentResult'];

const ENDED = new Set(['COMPLETED', 'FAILED', 'ROLLED_BACK']);

export async function deploymentResult(ctx: CommandContext, id: string): Promise<Result> {
  return (await unwrap(ctx.api.GET('/api/v1/deploy/{id}/result', { params: { path: { id } } }), ctx.url)).data.data;
}

export function exitCodeOf(status: string): ExitCode {
  return status === 'COMPLETED' ? EXIT.OK : EXIT.FAILED;
}

export function resultLines(r: Result): string[] {
  const lines = [`${r.deploymentId}  ${r.status}  stage ${r.stage}/5  ${r.owner}/${r.repo}@${r.version ?? r.branch}`];
  if (r.commitSha) lines.push(`commit ${r.commitSha}${r.imageDigest ? `  image ${r.imageDigest}` : ''}`);
  if (r.approvedBy)
    lines.push(`decided by ${r.approvedBy}${r.decidedVia ? ` via ${r.decidedVia}` : ''}${r.decidedAt ? ` at ${r.decidedAt}` : ''}`);
  if (r.errorMessage) lines.push(`error: ${r.errorMessage}${r.errorCode ? ` [${r.errorCode}]` : ''}`);
  return lines;
}

/** Follows until the deployment ends; prints its result; returns the exit code. */
export async function followDeployment(
  ctx: CommandContext,
  id: string,
  options: { retryMs?: number; queued?: boolean } = {},
): Promise<ExitCode> {
  const view = new DeploymentView();
  let hinted = false;
  let final: Result | undefined;
  const settled = async (): Promise<boolean> => {
    const result = await deploymentResult(ctx, id);
    if (!ENDED.has(result.status)) return false;
    final = result;
    return true;
  };
  await followSse({
    url: ctx.url,
    retryMs: options.retryMs ?? 1000,
    // Queued behind the service's running deployment: its stream exists once it starts.
    notFoundMeansNotYet: options.queued === true,
    open: (lastEventId) =>
      ctx.api.GET('/api/v1/deploy/{id}/events', {
        params: { path: { id } },
        headers: lastEventId > 0 ? { 'last-event-id': String(lastEventId) } : {},
        parseAs: 'stream',
      }),
    onMessage: async (message) => {
      if (message.event === 'connected') return false;
      if (message.event === 'error') {
        ctx.out.note(`stream: ${safeMessage(message.data)} (reconnecting)`);
        return false;
      }
      const event = parseEvent(message.event, message.data);
      ctx.out.line(view.take(event));
      ctx.out.status(view.statusLine());
      if (view.awaitingDecision && !hinted) {
        hinted = true;
        ctx.out.note(`waiting at the gate: switchyard approve ${id}   (or: switchyard rollback ${id})`);
      }
      // The end of the story: the result is final once the workflow has recorded it.
      if (event.type === 'success' || event.type === 'fail') return settledSoon(settled);
      return false;
    },
    onClose: settled,
  });
  ctx.out.end();
  const result = final!;
  ctx.out.result({ ...result, exitCode: exitCodeOf(result.status) }, () => resultLines(result));
  return exitCodeOf(result.status);
}

/** After `success`/`fail` the result may trail the event by a query: a few tries. */
async function settledSoon(settled: () => Promise<boolean>): Promise<boolean> {
  for (let i = 0; i < 20; i += 1) {
    if (await settled()) return true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}

function parseEvent(type: string, data: string): StreamEvent {
  try {
    const parsed = JSON.parse(data) as Partial<StreamEvent>;
    return { type, message: String(parsed.message ?? ''), details: parsed.details ?? {}, ...(parsed.at ? { at: parsed.at } : {}) };
  } catch {
    return { type, message: data, details: {} };
  }
}

function safeMessage(data: string): string {
  try {
    return String((JSON.parse(data) as { message?: unknown }).message ?? data);
  } catch {
    return data;
  }
}
