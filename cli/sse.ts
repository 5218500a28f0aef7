// Following a Server-Sent Events stream as the web console does (web/console.js): fetch with the
// Authorization header (EventSource cannot send it), remember each event's `id`, and reconnect
// with `Last-Event-ID` when the server closes the stream (5 s after the end, or every 5 minutes)
// or the connection drops, so no event is lost or shown twice.
import { apiFailure } from './api-errors.js';
import { unreachable } from './client.js';
import { CliError, EXIT } from './exit-codes.js';

export interface SseMessage {
  event: string;
  data: string;
  id?: number;
}

/** Splits complete events off a buffer; the incomplete tail is returned to be continued. */
export function parseSse(buffer: string): { messages: SseMessage[]; rest: string } {
  const messages: SseMessage[] = [];
  const normalised = buffer.replace(/\r\n?/g, '\n');
  const blocks = normalised.split('\n\n');
  const rest = blocks.pop() ?? '';
  for (const block of blocks) {
    const message: SseMessage = { event: 'message', data: '' };
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) continue; // a keep-alive comment
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') message.event = value;
      else if (field === 'data') data.push(value);
      else if (field === 'id' && /^\d+$/.test(value)) message.id = Number(value);
    }
    if (data.length === 0 && message.id === undefined) continue;
    message.data = data.join('\n');
    messages.push(message);
  }
  return { messages, rest };
}

export interface FollowOptions {
  url: string;
  /** Opens the stream from after `lastEventId` (0: from the start). */
  open(lastEventId: number): Promise<{ response: Response; error?: unknown }>;
  /** Each event; return true to stop following. */
  onMessage(message: SseMessage): boolean | Promise<boolean>;
  /** After the server closed the stream: true to stop, false to reconnect. */
  onClose(): Promise<boolean>;
  /** Pause before reconnecting (ms). */
  retryMs?: number;
  /** A 404 means "not started yet" (a queued deployment): keep trying instead of failing. */
  notFoundMeansNotYet?: boolean;
  /** Connection failures in a row before giving up (exit 4). */
  maxFailures?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** An error body openapi-fetch did not read already: JSON when it parses, else text. */
async function bodyOf(response: Response): Promise<unknown> {
  if (response.bodyUsed) return undefined;
  const text = await response.text().catch(() => '');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function followSse(options: FollowOptions): Promise<void> {
  const sleep = options.sleep ?? pause;
  const retryMs = options.retryMs ?? 1000;
  const maxFailures = options.maxFailures ?? 30;
  let lastEventId = 0;
  let failures = 0;
  for (;;) {
    let answer: { response: Response; error?: unknown };
    try {
      answer = await options.open(lastEventId);
    } catch (error) {
      if (++failures >= maxFailures) throw unreachable(options.url, error);
      await sleep(retryMs);
      continue;
    }
    const { response } = answer;
    if (!response.ok || !response.body) {
      if (response.status === 404 && options.notFoundMeansNotYet) {
        await response.body?.cancel().catch(() => undefined);
        await sleep(retryMs);
        continue;
      }
      // A refusal (unknown id, a role) is final; a server error may pass.
      if (response.status < 500 || ++failures >= maxFailures) throw apiFailure(response, answer.error ?? (await bodyOf(response)));
      await sleep(retryMs);
      continue;
    }
    failures = 0;
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    let stopped = false;
    try {
      while (!stopped) {
        const { value, done } = await reader.read();
        if (done) break;
        const parsed = parseSse(buffer + value);
        buffer = parsed.rest;
        for (const message of parsed.messages) {
          if (message.id !== undefined) lastEventId = message.id;
          if (await options.onMessage(message)) {
            stopped = true;
            break;
          }
        }
      }
    } catch (error) {
      if (error instanceof CliError) throw error;
      // The connection dropped mid-stream: resume from the last id.
      if (++failures >= maxFailures)
        throw new CliError(EXIT.SERVER, `the event stream of ${options.url} keeps failing: ${(error as Error).message}`);
    } finally {
      await reader.cancel().catch(() => undefined);
    }
    if (stopped || (await options.onClose())) return;
    await sleep(retryMs);
  }
}
