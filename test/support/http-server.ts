// Serves an app on a real socket (port 0) for tests that need real HTTP, such as SSE.
import { listen, type Listening } from '../../emulators/listen.js';

export type ServedApp = Listening;

export function serveApp(fetch: (request: Request) => Response | Promise<Response>): Promise<ServedApp> {
  return listen(fetch);
}
