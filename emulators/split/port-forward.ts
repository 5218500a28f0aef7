// A fixed port in front of an emulator that listens on a port of its own choosing: plain TCP
// relaying, so HTTP, keep-alive and streaming pass through untouched. The split sandbox uses it for
// `--port-base`, since startSandbox() picks free ports.
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface PortForward {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function forwardPort(options: { port: number; host?: string; targetPort: number; targetHost?: string }): Promise<PortForward> {
  const host = options.host ?? '127.0.0.1';
  const targetHost = options.targetHost ?? '127.0.0.1';
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  const server: Server = createServer((client) => {
    const upstream = connect(options.targetPort, targetHost);
    track(client);
    track(upstream);
    // Either side failing or ending ends the other: no half-open relays left behind.
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.once('error', end);
    upstream.once('error', end);
    client.once('close', end);
    upstream.once('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE' ? new Error(`port ${options.port} on ${host} is already in use`) : error);
    });
    server.listen(options.port, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}
