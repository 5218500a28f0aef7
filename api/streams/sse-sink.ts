// Where an SSE stream's bytes go. Served by @hono/node-server, straight to Node's ServerResponse:
// a frame written to 10,000 streams is 10,000 socket writes of the same bytes, with no web stream,
// reader loop, encoder or promise per client in between (those cost ~0.3 ms and ~37 KB per stream).
// Elsewhere (app.request in tests, other runtimes) through Hono's stream helper.
import { ServerResponse } from 'node:http';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { Context } from 'hono';
import { stream } from 'hono/streaming';

export interface SseSink {
  /** Queues a frame; after end() or once the client has gone, does nothing. */
  write(frame: Uint8Array): void;
  /** Ends the stream (idempotent). */
  end(): void;
  /** Settles once the stream has ended, from either side. */
  readonly closed: Promise<void>;
}

/** A client that stops reading is dropped past this much unsent data; it resumes with Last-Event-ID. */
const MAX_BUFFERED_BYTES = 1024 * 1024;
const SSE_HEADERS = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' } as const;

/** Opens the event stream and runs `feed` on it until it returns; the response is the handler's answer. */
export function openSseSink(c: Context, feed: (sink: SseSink) => Promise<void>): Response | Promise<Response> {
  const outgoing = (c.env as { outgoing?: unknown } | undefined)?.outgoing;
  if (outgoing instanceof ServerResponse) {
    const sink = nodeSink(outgoing, c.res.headers);
    void feed(sink).catch(() => undefined).finally(() => sink.end());
    return RESPONSE_ALREADY_SENT;
  }
  for (const [name, value] of Object.entries(SSE_HEADERS)) c.header(name, value);
  return stream(c, async (s) => {
    let ended = false;
    let close!: () => void;
    const closed = new Promise<void>((resolve) => { close = resolve; });
    let writes = Promise.resolve();
    s.onAbort(() => { ended = true; close(); });
    const sink: SseSink = {
      write(frame) {
        if (ended) return;
        writes = writes.then(() => s.write(frame)).then(() => undefined, () => { ended = true; close(); });
      },
      end() { ended = true; close(); },
      closed,
    };
    try {
      await feed(sink);
    } finally {
      await writes;
    }
  });
}

function nodeSink(res: ServerResponse, headers: Headers): SseSink {
  // Headers the middleware set (X-Request-Id), then the stream's own.
  const head: Record<string, string> = {};
  headers.forEach((value, name) => { head[name] = value; });
  res.writeHead(200, { ...head, ...SSE_HEADERS });
  let close!: () => void;
  const closed = new Promise<void>((resolve) => { close = resolve; });
  res.once('close', close);
  return {
    write(frame) {
      if (res.writableEnded || res.destroyed) return;
      res.write(frame);
      if (res.writableLength > MAX_BUFFERED_BYTES) res.destroy();
    },
    end() {
      if (!res.writableEnded && !res.destroyed) res.end();
      close();
    },
    closed,
  };
}
