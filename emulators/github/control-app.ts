// Emulator-only endpoints (not part of GitHub's API), under /_emulator/github:
//   GET /state                               repositories, refs, runs and counters, for humans
//   GET /raw/{owner}/{repo}/{sha}/{path}     a file's bytes (the contents API's download_url)
import { Hono } from 'hono';
import { notFound } from './errors.js';
import { tokenFrom } from './http-context.js';
import type { GitHubEmulatorState } from './state.js';

export function createGitHubControlApp(state: GitHubEmulatorState): Hono {
  const app = new Hono();

  app.get('/state', (c) => c.json(state.summary()));

  app.get('/raw/:owner/:repo/:sha/:path{.+}', (c) => {
    const repo = state.repository(c.req.param('owner'), c.req.param('repo'));
    const token = tokenFrom(c.req.header('authorization')) ?? undefined;
    const sha = c.req.param('sha');
    if (!repo?.canRead(token) || !repo.commits.has(sha)) return notFound(c);
    const file = repo.file(sha, c.req.param('path'));
    if (!file) return notFound(c);
    return c.body(new Uint8Array(file.content), 200, { 'content-type': 'text/plain; charset=utf-8' });
  });

  return app;
}
