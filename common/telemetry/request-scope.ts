// The API request being served, for code far from the Hono context (the Temporal client
// interceptor): the API's middleware runs each request inside `withRequestId`.
import { AsyncLocalStorage } from 'node:async_hooks';

const scope = new AsyncLocalStorage<string>();

export function withRequestId<T>(requestId: string, fn: () => T): T {
  return scope.run(requestId, fn);
}

/** The id of the request this call is part of; undefined outside a request. */
export function currentRequestId(): string | undefined {
  return scope.getStore();
}
