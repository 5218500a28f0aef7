// Wraps an emulator's fetch handler with the injector: a request the emulator calls a service API
// call (its `operation`) may be answered with the service's own throttling or 5xx answer before
// the handler sees it, or held and then dropped without any answer — half of those after the
// handler ran, so the effect happened and only the response is lost. Everything else (control
// endpoints, probes, public pages) goes straight through.
import { setTimeout as delay } from 'node:timers/promises';
import type { HttpBindings } from '@hono/node-server';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { FaultDecision, FaultInjector, FaultService } from './faults.js';

export type FetchHandler = (request: Request, env?: HttpBindings) => Response | Promise<Response>;

export interface FaultAnswers {
  /** Which API operation this request is, or undefined when it is not a service API call. */
  operation(request: Request): string | undefined | Promise<string | undefined>;
  /** The service's throttling answer. */
  throttle(request: Request, decision: FaultDecision): Response;
  /** The service's 5xx answer. */
  serverError(request: Request, decision: FaultDecision): Response;
}

export function withFaults(
  fetch: FetchHandler,
  service: FaultService,
  faults: FaultInjector | undefined,
  answers: FaultAnswers,
): FetchHandler {
  if (!faults) return fetch;
  return async (request, env) => {
    const operation = await answers.operation(request);
    const decision = operation === undefined ? undefined : faults.decide(service, operation);
    if (!decision) return fetch(request, env);
    switch (decision.kind) {
      case 'throttle':
        return answers.throttle(request, decision);
      case 'server-error':
        return answers.serverError(request, decision);
      case 'timeout':
        return dropAfterHold(request, env, fetch, decision);
    }
  };
}

/**
 * What a load balancer's idle timeout looks like to the client: nothing for `holdMs`, then the
 * connection closes with no response at all. When the decision says the call took effect, the
 * handler runs to completion first (its body read, so streamed work is done too).
 */
async function dropAfterHold(
  request: Request,
  env: HttpBindings | undefined,
  fetch: FetchHandler,
  decision: FaultDecision,
): Promise<Response> {
  const socket = env?.incoming.socket;
  if (!socket) throw new Error('fault injection: a timeout needs the connection (serve the emulator with listen())');
  const started = Date.now();
  if (decision.tookEffect) {
    const response = await fetch(request, env);
    await response.arrayBuffer().catch(() => undefined);
  }
  await delay(Math.max(0, decision.holdMs - (Date.now() - started)));
  socket.destroy();
  // Tells @hono/node-server not to write anything: the connection is already gone.
  return RESPONSE_ALREADY_SENT;
}
