// GET /api/v1/lists/events: the console's lists (deployments, distributions, freezes) as an SSE
// stream of changes, from the one list feed of this API process (list-feed.ts). `reset` first (read
// the lists now), then `change` events, each with an id to resume from with Last-Event-ID.
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppDeps } from '../app-deps.js';
import type { SwitchyardEnv } from '../auth.js';
import { takeSlot } from '../limits/stream-slots.js';
import { errorResponses } from '../openapi-schemas.js';
import { LIST_KINDS } from './list-changes.js';
import type { ListFeed, NumberedChange } from './list-feed.js';
import { CONNECTED, keepAlive, PANDA_SSE_TIMINGS, sseFrame, StreamTokenQuery, type SseTimings } from './sse.js';
import { openSseSink } from './sse-sink.js';

export const LIST_STREAM_PATH = '/api/v1/lists/events';
/** The stream-token scope of this stream. */
export const LIST_SCOPE = 'lists';

const ListEventSchema = z
  .object({
    event: z.enum(['connected', 'reset', 'change', 'error']).openapi({
      description: '`connected` first; `reset`: read the lists now (changes after it follow); `change`: one row added, changed or removed',
    }),
    data: z.string().openapi({
      description: `JSON: {message} for connected; {cursor} for reset; {kind: ${LIST_KINDS.join('|')}, id, change: added|changed|removed, status, item} for change, item being the row as the list's own route returns it`,
    }),
    id: z
      .string()
      .regex(/^[a-z0-9]+\.\d+$/)
      .optional()
      .openapi({ description: 'The stream position: send it back as Last-Event-ID to get what was missed' }),
    retry: z.number().int().optional(),
  })
  .openapi({ description: 'One server-sent event' });

/** Each change's frame, encoded once for every stream that sends it. */
const frames = new WeakMap<NumberedChange, Uint8Array>();
function changeFrame(numbered: NumberedChange): Uint8Array {
  let frame = frames.get(numbered);
  if (frame === undefined) {
    frame = sseFrame('change', JSON.stringify(numbered.change), numbered.cursor);
    frames.set(numbered, frame);
  }
  return frame;
}

export function registerListStreamRoute(
  app: OpenAPIHono<SwitchyardEnv>,
  deps: Pick<AppDeps, 'streamAuth'>,
  feed: ListFeed,
  timings: SseTimings = PANDA_SSE_TIMINGS,
): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: LIST_STREAM_PATH,
      tags: ['Live'],
      summary: 'Live list changes (SSE): deployments and distributions started or changed, freezes set or lifted',
      description:
        'One reader per API process feeds every stream (the newest 50 deployments and distributions, and the freezes), so the cost does not grow with clients. Reconnect with `Last-Event-ID` (or `?lastEventId=`) to get the changes missed; a position that cannot be resumed gets `reset`. Keep-alive comments; closed after 5 minutes at most. Stream-token scope: `lists`.',
      security: [{ bearerAuth: [] }],
      middleware: [deps.streamAuth('viewer', () => LIST_SCOPE)] as const,
      request: { query: StreamTokenQuery },
      responses: {
        200: { description: 'List changes as server-sent events', content: { 'text/event-stream': { schema: ListEventSchema } } },
        ...errorResponses(400, 401, 403),
      },
    }),
    async (c) => {
      const after = c.req.header('last-event-id') ?? c.req.valid('query').lastEventId;
      // What the feed says before the stream is open (the reset or the missed changes) waits here.
      const pending: Uint8Array[] = [];
      let write = (frame: Uint8Array) => {
        pending.push(frame);
      };
      const unsubscribe = await feed.subscribe(after, {
        onReset: (cursor) => write(sseFrame('reset', JSON.stringify({ cursor }), cursor)),
        onChanges: (changes) => {
          for (const numbered of changes) write(changeFrame(numbered));
        },
      });
      const request = c.req.raw.signal;
      if (request.aborted) {
        unsubscribe();
        return c.body(null, 204);
      }
      const release = takeSlot(c.req.raw);
      return openSseSink(c, async (sink) => {
        write = (frame) => sink.write(frame);
        const stopKeepAlive = keepAlive(sink, timings.keepAliveMs);
        const limit = setTimeout(() => sink.end(), timings.maxStreamMs);
        try {
          request.addEventListener('abort', () => sink.end(), { once: true });
          sink.write(CONNECTED);
          for (const frame of pending.splice(0)) sink.write(frame);
          await sink.closed;
        } finally {
          stopKeepAlive();
          clearTimeout(limit);
          unsubscribe();
          release();
        }
      });
    },
  );
}
