// Server-Sent Events as the Panda deploy API defines them: `connected` first, then the history, then
// live events, each with `id: <seq>` so `Last-Event-ID` resumes with no gap and no duplicate;
// `retry: 5000`; keep-alive comments; the stream closes 5 s after `success`/`fail`, and after
// 5 minutes at most (clients reconnect with Last-Event-ID).
//
// Fan-out is the hot path: one event of a feed goes to every stream of it in one pass. Each
// event's frame is encoded once, as bytes, and written as is to every stream (sse-sink.ts: straight
// to the Node response where there is one); keep-alives come from one timer per interval, not one
// per stream.
import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { WorkflowEvent } from '../../workflows/shared/event-log.js';
import { ApiError } from '../errors.js';
import type { EventsFetcher, Subscriber } from './event-feed.js';
import type { WorkflowEventHub } from './event-hub.js';
import { openSseSink, type SseSink } from './sse-sink.js';
import { takeSlot } from '../limits/stream-slots.js';

/** The SSE routes' query: `?token=` for EventSource clients, `?lastEventId=` to resume. */
export const StreamTokenQuery = z.object({
  token: z
    .string()
    .max(2048)
    .optional()
    .openapi({
      param: { name: 'token', in: 'query' },
      description:
        'For clients that cannot send Authorization (browser EventSource): an API key, or a stream token for this stream from POST /api/v1/stream-tokens (5 minutes to connect). Never logged.',
    }),
  lastEventId: z
    .string()
    .max(32)
    .optional()
    .openapi({ param: { name: 'lastEventId', in: 'query' }, description: 'Resume after this seq (as the Last-Event-ID header)' }),
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
        schema: z
          .object({
            event: z.enum(names).openapi({
              description:
                "`connected` first; `error` when the stream breaks; the workflow's events; the stream ends 5 s after `success` or `fail`",
            }),
            data: z.string().openapi({
              description:
                "JSON: {message} for connected and error; {type, message, details, at} for the workflow's events (at: when the workflow recorded it, ISO-8601 with zone)",
            }),
            id: z.string().regex(/^\d+$/).optional().openapi({ description: "The event's seq: send it back as Last-Event-ID to resume" }),
            retry: z.number().int().optional(),
          })
          .openapi({ description: 'One server-sent event' }),
      },
    },
  };
}

export interface SseTimings {
  keepAliveMs: number;
  closeAfterEndMs: number;
  maxStreamMs: number;
}

export const PANDA_SSE_TIMINGS: SseTimings = { keepAliveMs: 15_000, closeAfterEndMs: 5_000, maxStreamMs: 5 * 60_000 };
const RECONNECT_MS = 5000;
const END_EVENT_TYPES = new Set(['success', 'fail']);
const encoder = new TextEncoder();

/** One SSE frame, as Hono's writeSSE lays it out: event, data, id, retry. */
export function sseFrame(event: string, data: string, id?: number | string, retry?: number): Uint8Array {
  return encoder.encode(
    `event: ${event}\ndata: ${data}\n${id === undefined ? '' : `id: ${id}\n`}${retry === undefined ? '' : `retry: ${retry}\n`}\n`,
  );
}

/** The Panda deploy API's first event of every stream. */
export const CONNECTED = sseFrame('connected', JSON.stringify({ message: 'SSE connection established' }), undefined, RECONNECT_MS);
const KEEP_ALIVE = encoder.encode(': keep-alive\n\n');
const errorFrame = (message: string) => sseFrame('error', JSON.stringify({ message }));

/** The resume point: the Last-Event-ID header, or `?lastEventId=` for clients that cannot set headers. */
export function lastEventIdOf(c: Context): number {
  const raw = c.req.header('last-event-id') ?? c.req.query('lastEventId');
  const parsed = raw === undefined ? 0 : Number.parseInt(raw, 10);
  return Number.isFinite(parsed) && parsed > 0 ? parsed : 0;
}

/**
 * Each event's SSE frame, encoded once however many streams send it: subscribers of one feed get
 * the same event objects, so the frame bytes are shared instead of re-serialised per client.
 */
const frames = new WeakMap<WorkflowEvent, Uint8Array>();
function frameOf(event: WorkflowEvent): Uint8Array {
  let frame = frames.get(event);
  if (frame === undefined) {
    // JSON.stringify escapes line breaks, so the data is one `data:` line.
    frame = sseFrame(
      event.type,
      JSON.stringify({ type: event.type, message: event.message, details: event.details, at: event.at }),
      event.seq,
    );
    frames.set(event, frame);
  }
  return frame;
}

/** Keep-alive comments: one timer per interval for all streams open with it. */
const keepAlives = new Map<number, { timer: NodeJS.Timeout; sinks: Set<SseSink> }>();
export function keepAlive(sink: SseSink, intervalMs: number): () => void {
  let group = keepAlives.get(intervalMs);
  if (!group) {
    const sinks = new Set<SseSink>();
    const timer = setInterval(() => {
      for (const s of sinks) s.write(KEEP_ALIVE);
    }, intervalMs);
    timer.unref();
    group = { timer, sinks };
    keepAlives.set(intervalMs, group);
  }
  const { sinks, timer } = group;
  sinks.add(sink);
  return () => {
    sinks.delete(sink);
    if (sinks.size === 0) {
      clearInterval(timer);
      keepAlives.delete(intervalMs);
    }
  };
}

/**
 * Streams a workflow's events. The hub subscription comes first, before any byte is sent: an
 * unknown workflow is the route's plain 404 (from the feed's first query, or none at all when the
 * workflow's feed is already open), with no query of its own for the check.
 */
export async function streamWorkflowEvents(
  c: Context,
  hub: WorkflowEventHub,
  key: string,
  fetch: EventsFetcher,
  timings: SseTimings = PANDA_SSE_TIMINGS,
): Promise<Response> {
  const afterSeq = lastEventIdOf(c);
  // What the hub delivers before the stream is open (the backlog, at least) waits here.
  const pending: { events: WorkflowEvent[]; terminal: boolean }[] = [];
  let pendingError: unknown;
  let deliver: Subscriber = {
    onEvents: (events, terminal) => {
      pending.push({ events, terminal });
    },
    onError: (error) => {
      pendingError = error;
    },
  };
  // A client may leave while the first query runs: the request's signal says so (the response
  // has not been handed over yet).
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
    const release = takeSlot(c.req.raw);
    return openSseSink(c, (sink) => {
      release();
      sink.write(CONNECTED);
      sink.write(errorFrame(`Event stream unavailable: ${(error as Error).message ?? 'unknown error'}`));
      sink.end();
      return Promise.resolve();
    });
  }
  if (request.aborted) {
    unsubscribe();
    return c.body(null, 204);
  }
  // The key's stream slot (api/limits/stream-slots.ts) now belongs to this stream: freed when it closes.
  const release = takeSlot(c.req.raw);
  return openSseSink(c, async (sink) => {
    let ending: NodeJS.Timeout | undefined;
    const endSoon = () => {
      ending ??= setTimeout(() => sink.end(), timings.closeAfterEndMs);
    };
    deliver = {
      onEvents: (events, terminal) => {
        for (const event of events) {
          sink.write(frameOf(event));
          if (END_EVENT_TYPES.has(event.type)) endSoon();
        }
        // Also covers a client resuming after the final event: nothing left to send.
        if (terminal) endSoon();
      },
      onError: (error) => {
        sink.write(errorFrame(`Event stream interrupted: ${(error as Error).message ?? 'unknown error'}`));
        sink.end();
      },
    };
    const stopKeepAlive = keepAlive(sink, timings.keepAliveMs);
    const limit = setTimeout(() => sink.end(), timings.maxStreamMs);
    try {
      request.addEventListener('abort', () => sink.end(), { once: true });
      sink.write(CONNECTED);
      for (const { events, terminal } of pending.splice(0)) deliver.onEvents(events, terminal);
      if (pendingError !== undefined) deliver.onError(pendingError);
      await sink.closed;
    } finally {
      // However the stream ends (a client gone before `connected`, too), the feed lets go of it.
      stopKeepAlive();
      clearTimeout(limit);
      clearTimeout(ending);
      unsubscribe();
      release();
    }
  });
}
