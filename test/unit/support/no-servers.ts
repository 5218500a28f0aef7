// The unit tier's guard (vitest setupFiles of the `unit` project): its files run without a
// Temporal server, PostgreSQL or moto, so any attempt to reach one fails at once with a message
// that names the tier, instead of hanging until a timeout or passing by luck against a server a
// developer happens to have running. Emulators on ephemeral ports are allowed.
import { Socket } from 'node:net';
import { afterEach } from 'vitest';

/** Temporal frontends (dev server, cluster nodes), PostgreSQL and moto's default ports. */
const SERVER_PORTS = new Map<number, string>([
  [7233, 'Temporal'],
  [7234, 'Temporal'],
  [7235, 'Temporal'],
  [7243, 'Temporal'],
  [5432, 'PostgreSQL'],
  [5000, 'moto'],
]);

function portOf(args: unknown[]): number | undefined {
  const [first, second] = args;
  // net.connect() hands the socket its arguments already normalised, as one array.
  if (Array.isArray(first)) return portOf(first);
  if (typeof first === 'number') return first;
  if (typeof first === 'string' && typeof second !== 'undefined' && /^\d+$/.test(first)) return Number(first);
  if (first && typeof first === 'object' && 'port' in first) return Number((first as { port: unknown }).port);
  return undefined;
}

/** Refused attempts: a client that retries (gRPC) swallows the throw, so the test fails after it too. */
const refused: string[] = [];
afterEach(() => {
  if (refused.length > 0) throw new Error(refused.splice(0).join('\n'));
});

const connect = Socket.prototype.connect;
Socket.prototype.connect = function guardedConnect(this: Socket, ...args: unknown[]) {
  const port = portOf(args);
  const server = port === undefined ? undefined : SERVER_PORTS.get(port);
  if (server) {
    const message = `unit tier: this file connects to ${server} (port ${port}); test/unit/ holds only tests that need no server — move it out of test/unit/`;
    refused.push(message);
    throw new Error(message);
  }
  return (connect as (...a: unknown[]) => Socket).apply(this, args);
} as typeof Socket.prototype.connect;
