// The few parts of the `ws` package this endpoint touches. The project has no @types/ws, so the
// socket and server handed over by @hono/node-ws are typed here (and tests load the `ws` client
// through these types too) instead of adding an ambient module declaration.
export interface RawSocket {
  readonly readyState: number;
  readonly bufferedAmount: number;
  send(data: string, callback?: (error?: Error) => void): void;
  ping(data?: unknown, mask?: boolean, callback?: (error?: Error) => void): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
  on(event: 'pong', listener: () => void): this;
}

export interface RawServer {
  /** `ws` reads this at each upgrade: the hard frame limit, above which it closes with 1009. */
  options: { maxPayload?: number };
  close(callback?: () => void): void;
}

export const WS_OPEN = 1;
