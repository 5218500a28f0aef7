// The typed API client: openapi-fetch over the types generated from the app's OpenAPI document
// (cli/generated/api.d.ts), so every path, parameter and body here is checked against the API.
import createClient from 'openapi-fetch';
import { apiFailure } from './api-errors.js';
import type { CliConfig } from './config.js';
import { CliError, EXIT } from './exit-codes.js';
import type { components, paths } from './generated/api.js';

export type Schemas = components['schemas'];
export type ApiClient = ReturnType<typeof createApiClient>;

export function createApiClient(config: CliConfig, fetchImpl: typeof fetch = globalThis.fetch) {
  return createClient<paths>({
    baseUrl: config.url,
    headers: { authorization: `Bearer ${config.apiKey}`, 'user-agent': 'switchyard-cli' },
    fetch: (request: Request) => fetchImpl(request),
  });
}

/** A request that could not reach the API at all (refused, reset, DNS): the server's side, exit 4. */
export function unreachable(url: string, error: unknown): CliError {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const why = cause?.code ?? cause?.message ?? (error as Error).message;
  return new CliError(EXIT.SERVER, `cannot reach ${url}: ${why}`);
}

interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The success body of a call, or the API's refusal as a CliError (one line, its exit code). */
export async function unwrap<T>(call: Promise<Answer<T>>, url: string): Promise<{ data: T; status: number }> {
  let answer: Answer<T>;
  try {
    answer = await call;
  } catch (error) {
    throw unreachable(url, error);
  }
  if (!answer.response.ok || answer.data === undefined) throw apiFailure(answer.response, answer.error);
  return { data: answer.data, status: answer.response.status };
}
