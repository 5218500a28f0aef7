// Serves an app with its WebSocket routes on a real socket (port 0), as api/start.ts does.
import type { WebSocketRoutes } from '../../api/ws/routes.js';
import { listen } from '../../emulators/listen.js';

export interface ServedWsApp {
  url: string;
  wsUrl: string;
  close(): Promise<void>;
}

export async function serveWithWebSocket(
  fetch: (request: Request) => Response | Promise<Response>,
  ws: WebSocketRoutes,
): Promise<ServedWsApp> {
  const listening = await listen(fetch);
  ws.inject(listening.server);
  return {
    url: listening.url,
    wsUrl: `${listening.url.replace(/^http/, 'ws')}/ws`,
    close: () => {
      ws.close();
      return listening.close();
    },
  };
}
