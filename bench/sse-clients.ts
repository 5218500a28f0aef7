// SSE clients in a process of their own (forked by the bench with an IPC channel), so the API
// process's memory holds only its side of each stream. Raw node:http with one keep-alive agent:
// each open stream holds one socket, as an EventSource does.
import { Agent, request, type ClientRequest } from 'node:http';

export type ClientCommand =
  | { id: number; cmd: 'open'; url: string; headers: Record<string, string>; count: number; parallel: number }
  | { id: number; cmd: 'await'; event: string; timeoutMs: number }
  | { id: number; cmd: 'close' };

export interface OpenResult {
  connected: number;
  failed: number;
  firstError?: string;
  ms: number;
}
/** Per client: when it read the frame (epoch ms) minus the event's `at`, sorted. */
export interface AwaitResult {
  received: number;
  missing: number;
  lagsMs: number[];
  lastReceivedAt: number;
  at: number;
}

interface Stream {
  req: ClientRequest;
  buffer: string;
  connected: boolean;
  /** event name → when it was read and its `at`. */
  seen: Map<string, { receivedAt: number; at: number }>;
}

const agent = new Agent({ keepAlive: true, maxSockets: Infinity });
const streams: Stream[] = [];
/** Told of each stream's first frame of each event: counts towards the awaited event. */
let onFrame: ((event: string) => void) | undefined;

function open(url: string, headers: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const stream: Stream = { req: undefined as unknown as ClientRequest, buffer: '', connected: false, seen: new Map() };
    stream.req = request(url, { agent, headers: { ...headers, accept: 'text/event-stream' } }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new Error(`HTTP ${res.statusCode}`));
        return;
      }
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        const now = Date.now();
        stream.buffer += chunk;
        const frames = stream.buffer.split('\n\n');
        stream.buffer = frames.pop()!;
        for (const frame of frames) {
          const event = /^event: (.*)$/m.exec(frame)?.[1];
          if (!event) continue;
          if (event === 'connected' && !stream.connected) {
            stream.connected = true;
            resolve();
            continue;
          }
          if (stream.seen.has(event)) continue;
          const data = /^data: (.*)$/m.exec(frame)?.[1];
          const at = data ? Date.parse((JSON.parse(data) as { at?: string }).at ?? '') : NaN;
          stream.seen.set(event, { receivedAt: now, at });
          onFrame?.(event);
        }
      });
      // Ended (or broken) before `connected`: a failed connect. After it, a no-op.
      res.on('end', () => reject(new Error('stream ended before `connected`')));
      res.on('error', (error) => reject(error));
    });
    stream.req.on('error', (error) => reject(error));
    stream.req.end();
    streams.push(stream);
  });
}

async function openAll(url: string, headers: Record<string, string>, count: number, parallel: number): Promise<OpenResult> {
  const began = performance.now();
  let next = 0;
  let failed = 0;
  let firstError: string | undefined;
  // A bounded number of connects in flight: 10,000 SYNs at once overflow the listen backlog.
  await Promise.all(
    Array.from({ length: Math.min(parallel, count) }, async () => {
      while (next < count) {
        next += 1;
        await open(url, headers).catch((error: Error) => {
          failed += 1;
          firstError ??= error.message;
        });
      }
    }),
  );
  return {
    connected: streams.filter((s) => s.connected).length,
    failed,
    ...(firstError ? { firstError } : {}),
    ms: performance.now() - began,
  };
}

function awaitEvent(event: string, timeoutMs: number): Promise<AwaitResult> {
  const open = streams.filter((s) => s.connected);
  return new Promise((resolve) => {
    const finish = () => {
      onFrame = undefined;
      clearTimeout(timer);
      const got = open.flatMap((s) => (s.seen.has(event) ? [s.seen.get(event)!] : []));
      resolve({
        received: got.length,
        missing: open.length - got.length,
        lagsMs: got.map((g) => g.receivedAt - g.at).sort((a, b) => a - b),
        lastReceivedAt: Math.max(...got.map((g) => g.receivedAt)),
        at: got[0]?.at ?? NaN,
      });
    };
    const timer = setTimeout(finish, timeoutMs);
    // A count, not a scan of every stream per frame: that would be quadratic in the streams.
    let got = open.filter((s) => s.seen.has(event)).length;
    onFrame = (seen) => {
      if (seen === event && ++got === open.length) finish();
    };
    if (got === open.length) finish();
  });
}

process.on('message', (message: ClientCommand) => {
  const reply = (result: unknown) => process.send!({ id: message.id, result });
  if (message.cmd === 'open') void openAll(message.url, message.headers, message.count, message.parallel).then(reply);
  if (message.cmd === 'await') void awaitEvent(message.event, message.timeoutMs).then(reply);
  if (message.cmd === 'close') {
    for (const stream of streams.splice(0)) stream.req.destroy();
    agent.destroy();
    reply({ closed: true });
  }
});
