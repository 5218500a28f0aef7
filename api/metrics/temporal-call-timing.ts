// Times the API's calls into Temporal through the client's own interceptor points. A slow
// `GET /result` is a query (answered by a worker) plus, at a watched gate, a describe (answered
// by the server): this histogram says which of the two the time goes to.
import type { WorkflowClientInterceptor } from '@temporalio/client';
import { temporalCallDuration } from './process-registry.js';

async function timed<T>(call: string, work: () => Promise<T>): Promise<T> {
  const stop = temporalCallDuration().startTimer({ call });
  try {
    const result = await work();
    stop({ outcome: 'ok' });
    return result;
  } catch (error) {
    stop({ outcome: 'error' });
    throw error;
  }
}

export class TemporalCallTiming implements WorkflowClientInterceptor {
  query: WorkflowClientInterceptor['query'] = (input, next) => timed('query', () => next(input));
  describe: WorkflowClientInterceptor['describe'] = (input, next) => timed('describe', () => next(input));
  startUpdate: WorkflowClientInterceptor['startUpdate'] = (input, next) => timed('update', () => next(input));
  startWithDetails: WorkflowClientInterceptor['startWithDetails'] = (input, next) => timed('start', () => next(input));
  signal: WorkflowClientInterceptor['signal'] = (input, next) => timed('signal', () => next(input));
}
