// The SSE sink on a real Node server (@hono/node-server, as the API runs): frames written straight
// to the socket must stay valid HTTP/1.1, for a plain GET, a HEAD, a pipelined request behind a
// stream, and a client that stops reading (dropped, not buffered without bound).
import { connect, type Socket } from 'node:net';
import { Hono } from 'hono';
import { requestId } from 'hono/request-id';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSseSink, type SseSink } from '../../../api/streams/sse-sink.js';
import { serveApp, type ServedApp } from '../../support/http-server.js';

const encoder = new TextEncoder();
const frame = (n: number) => encoder.encode(`event: tick\ndata: {"n":${n}}\nid: ${n}\n\n`);

describe('SSE sink on a Node server', () => {
  let served: ServedApp;
  /** The sinks of streams opened with ?hold: the test writes to them and ends them. */
  const held: SseSink[] = [];
  const closedSinks: SseSink[] = [];

  beforeAll(async () => {
    const app = new Hono();
    app.use('*', requestId());
    app.get('/three', (c) =>
      openSseSink(c, async (sink) => {
        for (const n of [1, 2, 3]) sink.write(frame(n));
        sink.end();
        await sink.closed;
      }),
    );
    app.get('/hold', (c) =>
      openSseSink(c, async (sink) => {
        held.push(sink);
        sink.write(frame(0));
        await sink.closed;
        closedSinks.push(sink);
      }),
    );
    app.get('/plain', (c) => c.text('plain answer'));
    served = await serveApp(app.fetch);
  });
  afterAll(async () => {
    await served?.close();
  });

  /** A raw socket client: what the server sends, byte for byte. */
  const raw = (request: string) =>
    new Promise<{ socket: Socket; received: () => string; ended: Promise<void> }>((resolve) => {
      let text = '';
      const socket = connect(served.port, '127.0.0.1', () => {
        socket.write(request);
        resolve({ socket, received: () => text, ended });
      });
      socket.on('data', (d: Buffer) => {
        text += d.toString('latin1');
      });
      const ended = new Promise<void>((r) => {
        socket.on('close', () => r());
        socket.on('error', () => r());
      });
    });

  it("sends the head with the first frame, then valid chunks, and the middleware's headers", async () => {
    const res = await fetch(`${served.url}/three`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('x-request-id')).toMatch(/.+/);
    expect(await res.text()).toBe([1, 2, 3].map((n) => `event: tick\ndata: {"n":${n}}\nid: ${n}\n\n`).join(''));
  });

  it('answers HEAD with the head alone', async () => {
    const client = await raw(`HEAD /three HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    await expect.poll(() => client.received().includes('\r\n\r\n')).toBe(true);
    await new Promise((r) => setTimeout(r, 200)); // nothing may follow the head
    client.socket.destroy();
    expect(client.received()).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(client.received()).toContain('content-type: text/event-stream');
    expect(client.received()).not.toContain('event: tick');
  });

  it("keeps a pipelined request's answer after the stream, intact", async () => {
    const client = await raw(`GET /three HTTP/1.1\r\nHost: x\r\n\r\nGET /plain HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    await client.ended;
    const text = client.received();
    const [first, second] = text.split(/(?=HTTP\/1\.1 200 OK\r\n)/);
    // The stream, chunk by chunk, ends with the last chunk; then the second answer, whole.
    const body = first!.slice(first!.indexOf('\r\n\r\n') + 4);
    let decoded = '';
    for (let rest = body; ;) {
      const size = Number.parseInt(rest.slice(0, rest.indexOf('\r\n')), 16);
      if (size === 0) break;
      const start = rest.indexOf('\r\n') + 2;
      decoded += rest.slice(start, start + size);
      rest = rest.slice(start + size + 2);
    }
    expect(decoded).toBe([1, 2, 3].map((n) => `event: tick\ndata: {"n":${n}}\nid: ${n}\n\n`).join(''));
    expect(second).toMatch(/\r\n\r\nplain answer$/);
  });

  it('drops a client that stops reading once 1 MiB waits unsent', async () => {
    const client = await raw(`GET /hold HTTP/1.1\r\nHost: x\r\n\r\n`);
    await expect.poll(() => held.length).toBe(1);
    client.socket.pause();
    const sink = held[0]!;
    const big = encoder.encode(`event: tick\ndata: ${'x'.repeat(64 * 1024)}\n\n`);
    for (let i = 0; i < 400 && !closedSinks.includes(sink); i += 1) {
      sink.write(big);
      await new Promise((r) => setImmediate(r));
    }
    await expect.poll(() => closedSinks.includes(sink), { timeout: 5000 }).toBe(true);
    client.socket.destroy();
  });
});
