// An EventSource-like follower of one event stream: reads `id:`/`event:` frames, and when the
// connection breaks (the API killed) or the stream reports an `error` event, reconnects with
// Last-Event-ID = the last id it got, until a terminal event (`success`/`fail`) arrives. What it
// keeps is every received event with the connection it came on, for the gap/duplicate check.
import { sleep } from './processes.js';

export interface ReceivedEvent {
  seq: number;
  type: string;
  connection: number;
}

export interface Follower {
  events: ReceivedEvent[];
  /** Connections opened (1 + reconnects). */
  connections(): number;
  /** Resolves once a terminal event has arrived (or rejects at the deadline). */
  done: Promise<void>;
  stop(): void;
}

const TERMINAL = new Set(['success', 'fail']);

export function follow(url: string, headers: Record<string, string>, timeoutMs = 180_000): Follower {
  const events: ReceivedEvent[] = [];
  let connections = 0;
  let stopped = false;
  let current: AbortController | undefined;
  const deadline = Date.now() + timeoutMs;

  const readOnce = async (connection: number): Promise<boolean> => {
    const controller = new AbortController();
    current = controller;
    const last = events.at(-1);
    const res = await fetch(url, {
      headers: { accept: 'text/event-stream', ...headers, ...(last ? { 'last-event-id': String(last.seq) } : {}) },
      signal: controller.signal,
    });
    if (!res.ok || !res.body) return false;
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return false;
      buffer += decoder.decode(value, { stream: true });
      let boundary: number;
      while ((boundary = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, boundary);
        buffer = buffer.slice(boundary + 2);
        let id: string | undefined;
        let type = 'message';
        for (const line of block.split('\n')) {
          if (line.startsWith('id:')) id = line.slice(3).trim();
          else if (line.startsWith('event:')) type = line.slice(6).trim();
        }
        // `error`: the API could not read the workflow; reconnect as EventSource would.
        if (type === 'error') {
          controller.abort();
          return false;
        }
        if (id === undefined) continue;
        events.push({ seq: Number(id), type, connection });
        if (TERMINAL.has(type)) {
          controller.abort();
          return true;
        }
      }
    }
  };

  const done = (async () => {
    while (!stopped) {
      if (Date.now() > deadline) throw new Error(`no terminal event on ${url} within ${timeoutMs} ms (got ${events.length} events)`);
      connections += 1;
      const finished = await readOnce(connections).catch(() => false);
      if (finished) return;
      await sleep(100);
    }
  })();
  return {
    events,
    connections: () => connections,
    done,
    stop() {
      stopped = true;
      current?.abort();
    },
  };
}

/** Gaps and duplicates in a followed sequence, in words; empty when it is 1, 2, 3 … with a terminal event last. */
export function sequenceProblems(events: ReceivedEvent[]): string[] {
  const problems: string[] = [];
  events.forEach((event, i) => {
    if (event.seq !== i + 1) problems.push(`event ${i + 1} has seq ${event.seq} (connection ${event.connection})`);
  });
  if (!TERMINAL.has(events.at(-1)?.type ?? '')) problems.push('no terminal event');
  return problems.slice(0, 5);
}
