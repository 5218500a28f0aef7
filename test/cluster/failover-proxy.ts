// A TCP failover proxy standing for the load balancer in front of a real cluster's frontends.
import { connect as netConnect, createServer, type Server, type Socket } from 'node:net';

export interface FailoverProxy {
  address: string;
  /** How many connections went to each upstream so far. */
  connections(): Record<string, number>;
  close(): Promise<void>;
}

/**
 * A TCP proxy that sends every new connection to the first upstream that accepts it, in order:
 * what a load balancer with health checks in front of the frontends does.
 */
export async function startFailoverProxy(upstreams: string[]): Promise<FailoverProxy> {
  const sockets = new Set<Socket>();
  const counts: Record<string, number> = Object.fromEntries(upstreams.map((u) => [u, 0]));
  const server: Server = createServer((client) => {
    sockets.add(client);
    client.once('close', () => sockets.delete(client));
    client.pause();
    const tryUpstream = (i: number) => {
      const target = upstreams[i];
      if (!target || client.destroyed) {
        client.destroy();
        return;
      }
      const [host, port] = [target.slice(0, target.lastIndexOf(':')), Number(target.slice(target.lastIndexOf(':') + 1))];
      const upstream = netConnect({ host, port });
      const onConnectError = () => {
        upstream.destroy();
        tryUpstream(i + 1);
      };
      upstream.once('error', onConnectError);
      upstream.once('connect', () => {
        upstream.off('error', onConnectError);
        counts[target] = (counts[target] ?? 0) + 1;
        sockets.add(upstream);
        upstream.once('close', () => {
          sockets.delete(upstream);
          client.destroy();
        });
        client.once('close', () => upstream.destroy());
        upstream.on('error', () => client.destroy());
        client.on('error', () => upstream.destroy());
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      });
    };
    client.on('error', () => undefined);
    tryUpstream(0);
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });
  return {
    address: `127.0.0.1:${port}`,
    connections: () => ({ ...counts }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
