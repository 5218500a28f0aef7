// The whole GitHub emulator as one Hono app: the REST API at its root (point Octokit's baseUrl
// here, or at the prefix it is mounted under) and the emulator controls under /_emulator/github.
import { Hono } from 'hono';
import { createActionsApp } from './actions-app.js';
import { createGitHubControlApp } from './control-app.js';
import { DOCS, githubError, notFound } from './errors.js';
import { githubRestMiddleware } from './http-context.js';
import type { GitHubEnv } from './http-context.js';
import { createReposApp } from './repos-app.js';
import type { GitHubEmulatorState } from './state.js';

export function createGitHubApp(state: GitHubEmulatorState): Hono<GitHubEnv> {
  const app = new Hono<GitHubEnv>();
  app.route('/_emulator/github', createGitHubControlApp(state));

  const rest = githubRestMiddleware(state);
  app.use('/repos/*', rest);
  app.use('/user', rest);
  app.route('/', createActionsApp(state));
  app.route('/', createReposApp(state));

  app.notFound((c) => notFound(c, DOCS));
  app.onError((err, c) => {
    console.error('GitHub emulator: unhandled error', err);
    return githubError(c, 500, 'Server Error');
  });
  return app;
}
