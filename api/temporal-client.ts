// The API's Temporal client: the request id (always), tracing (when on) and the call timing.
import { Client, type ConnectionLike } from '@temporalio/client';
import { clientInterceptors } from '../common/telemetry/client-interceptors.js';
import { TemporalCallTiming } from './metrics/temporal-call-timing.js';

export function apiClient(connection: ConnectionLike, namespace: string, tracing: boolean): Client {
  return new Client({ connection, namespace, interceptors: clientInterceptors(tracing, [new TemporalCallTiming()]) });
}
