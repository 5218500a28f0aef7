// Server-Sent Events as the Panda seed defines them: `connected` first, then the history, then
// live events, each with `id: <seq>` so `Last-Event-ID` resumes with no gap and no duplicate;
// `retry: 5000`; keep-alive comments; the stream closes 5 s after `success`/`fail`, and after
// 5 minutes at most (clients reconnect with Last-Event-ID).
import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { WorkflowEvent } from '../../workflows/shared/event-log.js';
import type { EventsFetcher, Subscriber, WorkflowEventHub } from './event-hub.js';
import { ApiError } from '../errors.js';

/** The SSE routes' query: `?token=` for EventSource clients, `?lastEventId=` to resume. */
export const StreamTokenQuery = z.object({
  token: z.string().max(2048).optional().openapi({
    param: { name: 'token', in: 'query' },
    description: 'For clients that cannot send Authorization (browser EventSource): an API key, or a stream token for this stream from POST /api/v1/stream-tokens (5 minutes to connect). Never logged.',
  }),
  lastEventId: z.string().max(32).optional().openapi({ param: { name: 'lastEventId', in: 'query' }, description: 'Resume after this seq (as the Last-Event-ID header)' }),
});

/** The events a deployment's and a distribution's stream carry besides `connected` and `error`. */
export const DEPLOYMENT_STREAM_EVENTS = ['stage', 'success', 'fail'] as const;
export const DISTRIBUTION_STREAM_EVENTS = ['started', 'channel', 'retry', 'cancel', 'webhook', 'success', 'fail'] as const;

/**
 * The OpenAPI description of an SSE response: `text/event-stream` whose events are described one
 * by one (event name, JSON data, seq id), as OpenAPI 3.2's itemSchema does and schemathesis checks.
 */
export function sseResponse(events: readonly string[], description: string) {
  const names = ['connected', 'error', ...events] as [string, ...string[]];
  return {
    description,
    content: {
      'text/event-stream': {
        schema: z.object({
          event: z.enum(names).openapi({ description: '`connected` first; `error` when the stream breaks; the workflow\'s events; the stream ends 5 s after `success` or `fail`' }),
          data: z.string().openapi({ description: 'JSON: {message} for connected and error; {type, message, details, at} for the workflow\'s events (at: when the workflow recorded it, ISO-8601 with zone)' }),
          id: z.string().regex(/^\d+$/).optional().openapi({ description: 'The event\'s seq: send it back as Last-Event-ID to resume' }),
          retry: z.number().int().optional(),
        }).openapi({ description: 'One server-sent event' }),
      },
    },
  };
}

export interface SseTimings {
  keepAliveMs: number;
  closeAfterEndMs: number;
  maxStreamMs: number;
}

export const SEED_SSE_TIMINGS: SseTimings = { keepAliveMs: 15_000, closeAfterEndMs: 5_000, maxStreamMs: 5 * 60_000 };
const RECONNECT_MS = 5000;
const END_EVENT_TYPES = new Set(['success', 'fail']);
/** The seed's first event of every stream. */
const CONNECTED = { event: 'connected', data: JSON.stringify({ message: 'SSE connection established' }), retry: RECONNECT_MS };

/** The resume point: the Last-Event-ID header, or `?lastEventId=` for clients that cannot set headers. */
export function lastEventIdOf(c: Context): number {
  const raw = c.req.header('last-event-id') ?? c.req.query('lastEventId');
  const parsed = raw === undefined ? 0 : Number.parseInt(raw, 10);
  return Number.isFinite(parsed) && parsed > 0 ? parsed : 0;
}

/**
 * Each event's SSE frame, encoded once however many streams send it: subscribers of one feed get
 * the same event objects, so the frame text is shared instead of re-serialised per client.
 */
const frames = new WeakMap<WorkflowEvent, string>();
function frameOf(event: WorkflowEvent): string {
  let frame = frames.get(event);
  if (frame === undefined) {
    // JSON.stringify escapes line breaks, so the data is one `data:` line.
    frame = `id: ${event.seq}\nevent: ${event.type}\ndata: ${JSON.stringify({ type: event.type, message: event.message, details: event.details, at: event.at })}\n\n`;
    frames.set(event, frame);
  }
  return frame;
}

/**
 * Streams a workflow's events. The hub subscription comes first, before any byte is sent: an
 * unknown workflow is the route's plain 404 (from the feed's first query, or none at all when the
 * workflow's feed is already open), with no query of its own for the check.
 */
export async function streamWorkflowEvents(c: Context, hub: WorkflowEventHub, key: string, fetch: EventsFetcher, timings: SseTimings = SEED_SSE_TIMINGS) {
  const afterSeq = lastEventIdOf(c);
  // What the hub delivers before the stream is open (the backlog, at least) waits here.
  let deliver: Subscriber = {
    onEvents: (events, terminal) => { pending.push({ events, terminal }); },
    onError: (error) => { pendingError = error; },
  };
  const pending: { events: WorkflowEvent[]; terminal: boolean }[] = [];
  let pendingError: unknown;
  // A client may leave while the first query runs: the request's signal says so (the response
  // stream would never be cancelled, since it has not been handed over yet).
  const request = c.req.raw.signal;
  let unsubscribe: () => void;
  try {
    unsubscribe = await hub.subscribe(key, fetch, afterSeq, {
      onEvents: (events, terminal) => deliver.onEvents(events, terminal),
      onError: (error) => deliver.onError(error),
    });
  } catch (error) {
    // Unknown: a plain 404. Anything else (no worker answered yet, say) opens the stream with
    // `connected` and an `error` event, so EventSource clients reconnect instead of giving up.
    if (error instanceof ApiError && error.status === 404) throw error;
    return streamSSE(c, async (stream) => {
      await stream.writeSSE(CONNECTED);
      await stream.writeSSE({ event: 'error', data: JSON.stringify({ message: `Event stream unavailable: ${(error as Error).message ?? 'unknown error'}` }) });
    });
  }
  if (request.aborted) {
    unsubscribe();
    return c.body(null, 204);
  }
  return streamSSE(c, async (stream) => {
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => { finish = resolve; });
    let ending: NodeJS.Timeout | undefined;
    let writes = Promise.resolve();
    const write = (text: string) => {
      writes = writes.then(() => stream.write(text)).then(() => undefined, () => finish());
      return writes;
    };
    const writeEvent = (message: Parameters<typeof stream.writeSSE>[0]) => {
      writes = writes.then(() => stream.writeSSE(message)).catch(() => finish());
      return writes;
    };
    const endSoon = () => { if (!ending) ending = setTimeout(finish, timings.closeAfterEndMs); };
    deliver = {
      onEvents: (events, terminal) => {
        for (const event of events) {
          void write(frameOf(event));
          if (END_EVENT_TYPES.has(event.type)) endSoon();
        }
        // Also covers a client resuming after the final event: nothing left to send.
        if (terminal) endSoon();
      },
      onError: (error) => {
        void writeEvent({ event: 'error', data: JSON.stringify({ message: `Event stream interrupted: ${(error as Error).message ?? 'unknown error'}` }) });
        finish();
      },
    };

    let keepAlive: NodeJS.Timeout | undefined;
    let limit: NodeJS.Timeout | undefined;
    try {
      stream.onAbort(finish);
      request.addEventListener('abort', finish, { once: true });
      await stream.writeSSE(CONNECTED);
      for (const { events, terminal } of pending.splice(0)) deliver.onEvents(events, terminal);
      if (pendingError !== undefined) deliver.onError(pendingError);
      keepAlive = setInterval(() => void stream.write(': keep-alive\n\n').catch(() => finish()), timings.keepAliveMs);
      limit = setTimeout(finish, timings.maxStreamMs);
      await finished;
    } finally {
      // However the stream ends (a client gone before `connected`, too), the feed lets go of it.
      clearInterval(keepAlive);
      clearTimeout(limit);
      clearTimeout(ending);
      unsubscribe();
      await writes;
    }
  });
}
