// A real `ws` client for tests: collects every message and waits for the ones a test expects.
// The project has no @types/ws, so the client is loaded with require and typed here.
import { createRequire } from 'node:module';
import type { Json } from '../support/http.js';

interface ClientSocket {
  readonly readyState: number;
  on(event: 'open', listener: () => void): this;
  on(event: 'message', listener: (data: Buffer, isBinary: boolean) => void): this;
  on(event: 'close', listener: (code: number, reason: Buffer) => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
  send(data: string | Buffer, callback?: (error?: Error) => void): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
}
type ClientSocketClass = new (url: string, options?: { headers?: Record<string, string>; maxPayload?: number }) => ClientSocket;

const { WebSocket } = createRequire(import.meta.url)('ws') as { WebSocket: ClientSocketClass };
export const OPEN = 1;

export interface Closed {
  code: number;
  reason: string;
}

export class WsTestClient {
  /** Every message, batches unpacked. */
  readonly messages: Json[] = [];
  /** Every WebSocket frame as received, with its arrival time. */
  readonly frames: { at: number; message: Json }[] = [];
  private waiters: { predicate: (m: Json) => boolean; from: number; resolve: (m: Json) => void }[] = [];
  readonly closed: Promise<Closed>;

  private constructor(readonly socket: ClientSocket) {
    socket.on('message', (data) => {
      const frame: Json = JSON.parse(data.toString('utf8'));
      this.frames.push({ at: Date.now(), message: frame });
      // A `batch` frame (only to a client that announced the capability) carries broadcasts the
      // outbound rate held back: each is one message here; `frames` shows how they arrived.
      const unpacked: Json[] = frame.type === 'batch' ? frame.data.messages : [frame];
      for (const parsed of unpacked) {
        this.messages.push(parsed);
        const index = this.messages.length - 1;
        this.waiters = this.waiters.filter((w) => {
          if (index < w.from || !w.predicate(parsed)) return true;
          w.resolve(parsed);
          return false;
        });
      }
    });
    this.closed = new Promise((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  static async connect(url: string, headers: Record<string, string> = {}): Promise<WsTestClient> {
    const socket = new WebSocket(url, { headers });
    const client = new WsTestClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.on('open', () => resolve());
      socket.on('error', reject);
    });
    return client;
  }

  get open(): boolean {
    return this.socket.readyState === OPEN;
  }

  /** The first message (at or after index `from`) matching `predicate`, waiting for it if needed. */
  waitFor(predicate: (m: Json) => boolean, timeoutMs = 15_000, from = 0): Promise<Json> {
    const found = this.messages.slice(from).find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no matching message within ${timeoutMs} ms; got ${JSON.stringify(this.messages.slice(-5))}`)),
        timeoutMs,
      );
      this.waiters.push({
        predicate,
        from,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      });
    });
  }

  send(message: unknown): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  sendRaw(data: string | Buffer): void {
    this.socket.send(data);
  }

  /** Sends, then waits for the first matching message that arrives after it. */
  async request(message: unknown, predicate: (m: Json) => boolean, timeoutMs?: number): Promise<Json> {
    const from = this.messages.length;
    const answer = this.waitFor(predicate, timeoutMs, from);
    this.send(message);
    return answer;
  }

  ping(): Promise<Json> {
    return this.request(
      { type: 'ping', data: { client_time: new Date().toISOString() }, timestamp: new Date().toISOString() },
      (m) => m.type === 'pong',
    );
  }

  close(): void {
    if (this.socket.readyState === OPEN) this.socket.close(1000, 'test done');
    else this.socket.terminate();
  }
}
