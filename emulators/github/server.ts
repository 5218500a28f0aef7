// Starts the GitHub REST emulator on its own port. Point Octokit at it:
//   new Octokit({ auth: token, baseUrl: emulator.url })
import { createGitHubApp } from './app.js';
import { GitHubEmulatorState } from './state.js';
import type { GitHubEmulatorOptions } from './state.js';
import { githubFaultAnswers } from './fault-answers.js';
import { withFaults } from '../fault-handler.js';
import type { FaultInjector } from '../faults.js';
import { listen } from '../listen.js';

export interface StartGitHubEmulatorOptions extends GitHubEmulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  hostname?: string;
  /** Injected throttling, 5xx and timeouts on the REST API (fault suite). */
  faults?: FaultInjector;
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
  const listening = await listen(withFaults(app.fetch, 'github', options.faults, githubFaultAnswers(state, app)), options);
  return {
    url: listening.url,
    state,
    close: () => {
      state.close();
      return listening.close();
    },
  };
}
