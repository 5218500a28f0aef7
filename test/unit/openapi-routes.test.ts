// Every route the app serves is in its OpenAPI document, with the same method: the document is
// what clients and the fuzzer read, so a route registered without it would be invisible to both.
// No Temporal: the offline app's client connects lazily and building the app sends nothing.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildOfflineApp } from '../../api/offline-app.js';
import { SLACK_PATHS } from '../../api/slack/routes.js';

// With Slack configured (the default), so the /slack/* and CodeDeploy hook routes are served too.
const buildApp = () => buildOfflineApp({ dataDir: mkdtempSync(join(tmpdir(), 'switchyard-routes-')), name: 'routes' });

/** Hono's `/a/:id` as OpenAPI's `/a/{id}`. */
const openApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');

// Served on purpose outside the document: the document itself, its viewer, and the console's
// static files (a page for people, not an API).
const NOT_API = [/^\/api-docs$/, /^\/swagger-ui\.html$/, /^\/$/, /^\/console\//, /^\/app\.js$/, /\.(css|js|html|png|svg|ico)$/];

describe('the OpenAPI document', () => {
  it('lists every route the app serves, with its method', async () => {
    const app = buildApp();
    const doc = (await (await app.request('/api-docs')).json()) as { paths: Record<string, Record<string, unknown>> };
    // Middleware is registered as ALL (or with a wildcard); routes have a method and a concrete path.
    const served = app.routes
      .filter((r) => r.method !== 'ALL' && !r.path.includes('*'))
      .map((r) => ({ method: r.method.toLowerCase(), path: openApiPath(r.path) }))
      .filter((r) => !NOT_API.some((pattern) => pattern.test(r.path)));
    expect(served.map((r) => r.path)).toEqual(
      expect.arrayContaining(['/api/v1/deploy', '/slack/events', '/api/v1/hooks/codedeploy', '/ws']),
    );
    const missing = served.filter((r) => !doc.paths[r.path]?.[r.method]).map((r) => `${r.method.toUpperCase()} ${r.path}`);
    // Slack's request URLs take Slack's signed form bodies, not a client's JSON: they are not in
    // the document (yet), so they must at least be in the API page.
    expect([...new Set(missing)]).toEqual(SLACK_PATHS.map((path) => `POST ${path}`));
  });

  it("names Slack's request URLs, which the document leaves out, in docs/api.md", () => {
    const page = readFileSync(new URL('../../docs/api.md', import.meta.url), 'utf8');
    for (const path of SLACK_PATHS) expect(page).toContain(path);
  });
});
