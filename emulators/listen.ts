// Serves a fetch handler on a local port (0 picks a free one): every emulator, and the tests'
// served apps, start and stop the same way.
import type { AddressInfo } from 'node:net';
import { serve, type HttpBindings, type ServerType } from '@hono/node-server';

export interface Listening {
  url: string;
  port: number;
  server: ServerType;
  close(): Promise<void>;
}

/** `env` gives a handler the Node request and response, and so the socket (fault injection drops it). */
export async function listen(
  fetch: (request: Request, env: HttpBindings) => Response | Promise<Response>,
  options: { port?: number; hostname?: string } = {},
): Promise<Listening> {
  const hostname = options.hostname ?? '127.0.0.1';
  const server = await new Promise<ServerType>((resolve, reject) => {
    // Without a createServer option serve() is plain node:http, so env is always HttpBindings.
    const s = serve({ fetch: (request, env) => fetch(request, env as HttpBindings), port: options.port ?? 0, hostname }, () => resolve(s));
    s.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${hostname}:${port}`,
    port,
    server,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // Keep-alive sockets of SDK and fetch clients would otherwise hold close() open.
        if ('closeAllConnections' in server) server.closeAllConnections();
      }),
  };
}
