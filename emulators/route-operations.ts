// "METHOD + route pattern" for a request to a Hono app, the operation name faults are counted by
// (`GET /repos/:owner/:repo/actions/runs/:run_id`): the same router Hono uses, filled with the
// app's own routes, so the names cannot drift from what the app serves.
import { TrieRouter } from 'hono/router/trie-router';

/**
 * Looks up the first route (in registration order, the one Hono would run) a request matches;
 * middleware (method ALL) does not name an operation. undefined when no route matches.
 */
export function routeOperations(app: { routes: readonly { method: string; path: string }[] }): (request: Request) => string | undefined {
  const router = new TrieRouter<string>();
  for (const route of app.routes) {
    if (route.method !== 'ALL') router.add(route.method, route.path, `${route.method} ${route.path}`);
  }
  return (request) => {
    const [matches] = router.match(request.method, new URL(request.url).pathname);
    return matches[0]?.[0];
  };
}
