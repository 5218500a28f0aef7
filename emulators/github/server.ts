// Starts the GitHub REST emulator on its own port. Point Octokit at it:
//   new Octokit({ auth: token, baseUrl: emulator.url })
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createGitHubApp } from './app.js';
import { GitHubEmulatorState } from './state.js';
import type { GitHubEmulatorOptions } from './state.js';

export interface StartGitHubEmulatorOptions extends GitHubEmulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  hostname?: string;
}

export interface RunningGitHubEmulator {
  /** Base URL for Octokit's baseUrl, e.g. http://127.0.0.1:43125 */
  url: string;
  state: GitHubEmulatorState;
  close(): Promise<void>;
}

export async function startGitHubEmulator(options: StartGitHubEmulatorOptions): Promise<RunningGitHubEmulator> {
  const state = new GitHubEmulatorState(options);
  const app = createGitHubApp(state);
  const hostname = options.hostname ?? '127.0.0.1';
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: options.port ?? 0, hostname }, () => resolve(s));
    s.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://${hostname}:${port}`,
    state,
    close: () => new Promise<void>((resolve, reject) => {
      state.close();
      server.close((err) => (err ? reject(err) : resolve()));
      // Keep-alive sockets from fetch clients would otherwise hold close() open.
      if ('closeAllConnections' in server) server.closeAllConnections();
    }),
  };
}
