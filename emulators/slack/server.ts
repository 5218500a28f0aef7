// Starts the Slack emulator on a real socket: point @slack/web-api's `slackApiUrl` at `${url}/api/`.
import { createSlackEmulatorApp } from './app.js';
import { SlackEmulatorState } from './state.js';
import { slackFaultAnswers } from './fault-answers.js';
import { withFaults } from '../fault-handler.js';
import type { FaultInjector } from '../faults.js';
import { listen } from '../listen.js';

export interface SlackEmulatorOptions {
  port?: number;
  hostname?: string;
  /** The only bot token the Web API accepts. */
  botToken: string;
  /** Injected throttling, 5xx and timeouts on the Web API (fault suite). */
  faults?: FaultInjector;
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
  const listening = await listen(withFaults(app.fetch, 'slack', options.faults, slackFaultAnswers), options);
  state.baseUrl = listening.url;
  return { url: listening.url, apiUrl: `${listening.url}/api/`, state, close: listening.close };
}
