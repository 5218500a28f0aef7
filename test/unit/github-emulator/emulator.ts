// A seeded GitHub emulator with fast builds and Octokit clients for the two sandbox tokens.
import { createHash } from 'node:crypto';
import { RequestError } from '@octokit/request-error';
import { Octokit } from '@octokit/rest';
import { expect } from 'vitest';
import type { ImageBuiltEvent } from '../../../emulators/github/index.js';
import { seedSandboxRepos, startGitHubEmulator } from '../../../emulators/github/index.js';
import type { RunningGitHubEmulator, SandboxRepositories } from '../../../emulators/github/index.js';
import type { RateLimitOptions } from '../../../emulators/github/rate-limits.js';

export const TOKEN = 'ghp_sandboxMemberToken000000000000000001';
export const PRIVATE_REPO_TOKEN = 'ghp_sandboxSecretAppToken0000000000000002';
/** Accepted, but may only read: no Actions write permission. */
export const READ_ONLY_TOKEN = 'github_pat_sandboxReadOnlyToken000000000003';
export const STEP_MS = 30;

const quietLog = { debug: () => {}, info: () => {}, warn: console.warn, error: () => {} };

export interface TestEmulator {
  emulator: RunningGitHubEmulator;
  repos: SandboxRepositories;
  imagesBuilt: ImageBuiltEvent[];
  octokit(token?: string): Octokit;
}

export async function startTestEmulator(options: { failPushFor?: string; rateLimit?: RateLimitOptions } = {}): Promise<TestEmulator> {
  const imagesBuilt: ImageBuiltEvent[] = [];
  const emulator = await startGitHubEmulator({
    tokens: [TOKEN, PRIVATE_REPO_TOKEN],
    readOnlyTokens: [READ_ONLY_TOKEN],
    stepMs: STEP_MS,
    ...(options.rateLimit ? { rateLimit: options.rateLimit } : {}),
    onImageBuilt: (event) => {
      // Stands in for the ECR emulator, which rejects pushes to repositories it does not have.
      if (event.ecrRepository === options.failPushFor) throw new Error(`name unknown: repository ${event.ecrRepository} does not exist`);
      imagesBuilt.push(event);
      // What a registry answers a push with: the digest of what was pushed (each push is new content).
      return `sha256:${createHash('sha256')
        .update(`${JSON.stringify(event)}:${imagesBuilt.length}`)
        .digest('hex')}`;
    },
  });
  const repos = seedSandboxRepos(emulator.state);
  return {
    emulator,
    repos,
    imagesBuilt,
    // Quiet log: the error responses tests provoke on purpose would otherwise be printed.
    octokit: (token = TOKEN) => new Octokit({ auth: token, baseUrl: emulator.url, log: quietLog }),
  };
}

/** Polls GET /actions/runs/{id} (as our build activity does) until the run completes. */
export async function waitForRunToComplete(octokit: Octokit, repo: { owner: string; repo: string }, runId: number, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  const statuses: string[] = [];
  for (;;) {
    const { data: run } = await octokit.actions.getWorkflowRun({ ...repo, run_id: runId });
    if (statuses.at(-1) !== run.status) statuses.push(run.status ?? 'unknown');
    if (run.status === 'completed') return { run, statuses };
    if (Date.now() > deadline) throw new Error(`run ${runId} still ${run.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, STEP_MS / 3));
  }
}

/** Octokit rejects with RequestError; returns it so tests can look at status, message and body. */
export async function requestError(promise: Promise<unknown>): Promise<RequestError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RequestError);
  return err as RequestError;
}
