// Serves an app with its WebSocket routes on a real socket (port 0), as api/start.ts does.
import { serve, type ServerType } from '@hono/node-server';
import type { WebSocketRoutes } from '../../api/ws/routes.js';

export interface ServedWsApp {
  url: string;
  wsUrl: string;
  close(): Promise<void>;
}

export async function serveWithWebSocket(fetch: (request: Request) => Response | Promise<Response>, ws: WebSocketRoutes): Promise<ServedWsApp> {
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  ws.inject(server);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    close: () => new Promise<void>((resolve) => {
      ws.close();
      (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      server.close(() => resolve());
    }),
  };
}
