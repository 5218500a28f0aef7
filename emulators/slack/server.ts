// Starts the Slack emulator on a real socket: point @slack/web-api's `slackApiUrl` at `${url}/api/`.
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { createSlackEmulatorApp } from './app.js';
import { SlackEmulatorState } from './state.js';

export interface SlackEmulatorOptions {
  port?: number;
  hostname?: string;
  /** The only bot token the Web API accepts. */
  botToken: string;
}

export interface RunningSlackEmulator {
  url: string;
  /** What @slack/web-api's `slackApiUrl` should be. */
  apiUrl: string;
  state: SlackEmulatorState;
  close(): Promise<void>;
}

export async function startSlackEmulator(options: SlackEmulatorOptions): Promise<RunningSlackEmulator> {
  const state = new SlackEmulatorState(options.botToken);
  const app = createSlackEmulatorApp(state);
  const hostname = options.hostname ?? '127.0.0.1';
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: options.port ?? 0, hostname }, () => resolve(s));
    s.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${hostname}:${port}`;
  state.baseUrl = url;
  return {
    url,
    apiUrl: `${url}/api/`,
    state,
    close: () => new Promise<void>((resolve, reject) => {
      server.close((err) => (err ? reject(err) : resolve()));
      if ('closeAllConnections' in server) server.closeAllConnections();
    }),
  };
}
