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
  // HEAD has no body: Hono and the Node server answer it (the head alone) through the stream helper.
  if (outgoing instanceof ServerResponse && c.req.method !== 'HEAD') {
    const sink = nodeSink(outgoing, c.res.headers);
    void feed(sink)
      .catch(() => undefined)
      .finally(() => sink.end());
    return RESPONSE_ALREADY_SENT;
  }
  for (const [name, value] of Object.entries(SSE_HEADERS)) c.header(name, value);
  return stream(c, async (s) => {
    let ended = false;
    let close!: () => void;
    const closed = new Promise<void>((resolve) => {
      close = resolve;
    });
    let writes = Promise.resolve();
    s.onAbort(() => {
      ended = true;
      close();
    });
    const sink: SseSink = {
      write(frame) {
        if (ended) return;
        writes = writes
          .then(() => s.write(frame))
          .then(
            () => undefined,
            () => {
              ended = true;
              close();
            },
          );
      },
      end() {
        ended = true;
        close();
      },
      closed,
    };
    try {
      await feed(sink);
    } finally {
      await writes;
    }
  });
}

const CRLF = Buffer.from('\r\n');
/** Frames in HTTP/1.1 chunked framing, made once per frame for every stream that sends it. */
const chunked = new WeakMap<Uint8Array, Buffer>();
function chunkOf(frame: Uint8Array): Buffer {
  let chunk = chunked.get(frame);
  if (chunk === undefined) {
    chunk = Buffer.concat([Buffer.from(`${frame.byteLength.toString(16)}\r\n`, 'latin1'), frame, CRLF]);
    chunked.set(frame, chunk);
  }
  return chunk;
}

function nodeSink(res: ServerResponse, headers: Headers): SseSink {
  // Headers the middleware set (X-Request-Id), then the stream's own.
  const head: Record<string, string> = {};
  headers.forEach((value, name) => {
    head[name] = value;
  });
  res.writeHead(200, { ...head, ...SSE_HEADERS });
  let close!: () => void;
  const closed = new Promise<void>((resolve) => {
    close = resolve;
  });
  res.once('close', close);
  // writeHead only stores the head (headersSent is already true): it leaves with the first write.
  let headSent = false;
  return {
    write(frame) {
      if (res.writableEnded || res.destroyed) return;
      // The first frame goes through the response, which sends the head with it. Later ones go to
      // the socket in the response's own framing, made once: the same bytes for every stream, one
      // socket write each (res.write adds four writes, a cork and a tick per stream: 10,000 streams
      // took 200–350 ms that way, 160 ms this way, measured on the 2-core machine). A response
      // holds res.socket only while it is the socket's current message (a pipelined one waits
      // without), so these bytes never interleave with another response's.
      const socket = res.socket;
      if (!headSent || !socket) {
        res.write(frame);
        headSent = true;
      } else {
        socket.write(res.chunkedEncoding ? chunkOf(frame) : frame);
      }
      if ((socket?.writableLength ?? 0) + res.writableLength > MAX_BUFFERED_BYTES) res.destroy();
    },
    end() {
      if (!res.writableEnded && !res.destroyed) res.end();
      close();
    },
    closed,
  };
}
