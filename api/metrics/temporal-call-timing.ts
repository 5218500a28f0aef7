// Times the API's calls into Temporal. A slow `GET /result` is a query (answered by a worker) plus,
// at a watched gate, a describe (answered by the server): this histogram says which of the two the
// time goes to. Reads, starts and signals are timed at the client's interceptor points; an update
// is timed whole by api/temporal-update.ts (its attempts and the SDK's poll for the outcome, which
// no interceptor sees), and one that ran out of its bound is a `deadline`, not an `error`.
import type { WorkflowClientInterceptor } from '@temporalio/client';
import { temporalCallDuration } from './process-registry.js';

export type CallOutcome = 'ok' | 'error' | 'deadline';

/** Starts timing one call; the returned function records it with its outcome. */
export function startCallTimer(call: string): (outcome: CallOutcome) => void {
  const stop = temporalCallDuration().startTimer({ call });
  return (outcome) => void stop({ outcome });
}

async function timed<T>(call: string, work: () => Promise<T>): Promise<T> {
  const stop = startCallTimer(call);
  try {
    const result = await work();
    stop('ok');
    return result;
  } catch (error) {
    stop('error');
    throw error;
  }
}

export class TemporalCallTiming implements WorkflowClientInterceptor {
  query: WorkflowClientInterceptor['query'] = (input, next) => timed('query', () => next(input));
  describe: WorkflowClientInterceptor['describe'] = (input, next) => timed('describe', () => next(input));
  startWithDetails: WorkflowClientInterceptor['startWithDetails'] = (input, next) => timed('start', () => next(input));
  signal: WorkflowClientInterceptor['signal'] = (input, next) => timed('signal', () => next(input));
}
