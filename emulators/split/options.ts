// `npm run sandbox` options: flags first, then the SANDBOX_* environment variables, then defaults.
import { parseArgs } from 'node:util';
import { SANDBOX_SERVICE } from '../sandbox.js';
import { freshHookSecret } from './environment.js';

export interface SplitSandboxOptions {
  /** Where to write the environment (atomically), besides printing it. */
  envFile: string | undefined;
  /** Where the sandbox CodeDeploy's AfterAllowTestTraffic hook Lambda forwards; several: round-robin. */
  hookUrls: string[];
  /** CODEDEPLOY_HOOK_SECRET shared by the hook Lambda and the API. */
  hookSecret: string;
  /** GitHub on this port, AWS on +1, channels on +2, Slack on +3; unset: free ports. */
  portBase: number | undefined;
  /** The seeded service the printed DEPLOY_* variables point at. */
  serviceName: string;
  /** Extra services `<serviceName>-1..N` in the same cluster, each with its CodeDeploy application and group. */
  extraServices: number;
  /** Step of the simulated build and CodeDeploy lifecycle (ms); unset: startSandbox's defaults. */
  stepMs: number | undefined;
  /** DEPLOY_POLL_MS to print. */
  pollMs: number;
  /** GitHub's primary rate limit per token and hour; unset: 5,000, a user's token. */
  githubRateLimit: number | undefined;
  help: boolean;
}

export class UsageError extends Error {}

export const USAGE = `Usage: npm run sandbox -- [options]

Starts the sandbox emulators (GitHub, AWS, channel APIs, Slack) in a process of their own and
prints the environment that makes a production-mode worker and API (SWITCHYARD_SANDBOX=false) use
them, as KEY=value lines.

  --env-file PATH      also write the environment to PATH (atomically; load it with: set -a; . PATH; set +a)
  --hook-url URL       where CodeDeploy's AfterAllowTestTraffic hook Lambda forwards, e.g.
                       http://localhost:8080/api/v1/hooks/codedeploy; repeat it or give a comma-separated
                       list for several API replicas (round-robin, unreachable ones skipped)
  --hook-secret TEXT   CODEDEPLOY_HOOK_SECRET (at least 16 characters; default: the sandbox's fixed one)
  --port-base N        GitHub on N, AWS on N+1, channels on N+2, Slack on N+3 (default: free ports)
  --service NAME       name of the seeded ECS service (default ${SANDBOX_SERVICE.service})
  --services N         also seed N services NAME-1..NAME-N in the same cluster, with CodeDeploy
                       applications ${SANDBOX_SERVICE.application}-i and groups ${SANDBOX_SERVICE.deploymentGroup}-i
  --step-ms N          step of the simulated build and CodeDeploy lifecycle
  --poll-ms N          the DEPLOY_POLL_MS to print (default 300)
  --github-rate-limit N
                       GitHub requests per token and hour (default 5000, a user's token; a GitHub
                       App installation on Enterprise Cloud gets 15000)
  -h, --help           this text

Each option can also come from the environment: SANDBOX_ENV_FILE, SANDBOX_HOOK_URL (comma-separated),
SANDBOX_HOOK_SECRET, SANDBOX_PORT_BASE, SANDBOX_SERVICE, SANDBOX_SERVICE_COUNT, SANDBOX_STEP_MS,
SANDBOX_POLL_MS, SANDBOX_GITHUB_RATE_LIMIT. Ctrl-C (SIGINT) or SIGTERM stops the emulators.`;

// ECS service names allow more, but the name also names the seeded ECR repository (lowercase only).
const SERVICE_NAME = /^[a-z0-9][a-z0-9-]{0,190}$/;

export function parseSplitSandboxArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): SplitSandboxOptions {
  let values: ReturnType<typeof parseFlags>['values'];
  try {
    values = parseFlags(argv).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const fromEnv = (name: string) => (env[name] === undefined || env[name] === '' ? undefined : env[name]);

  const hookUrls = (values['hook-url'] ?? [fromEnv('SANDBOX_HOOK_URL') ?? ''])
    .flatMap((value) => value.split(','))
    .map((value) => value.trim())
    .filter(Boolean);
  for (const url of hookUrls) {
    if (!/^https?:\/\//.test(url) || !URL.canParse(url)) throw new UsageError(`--hook-url: not an http(s) URL: ${url}`);
  }
  const hookSecret = values['hook-secret'] ?? fromEnv('SANDBOX_HOOK_SECRET') ?? freshHookSecret();
  if (hookSecret.length < 16) throw new UsageError('--hook-secret: must be at least 16 characters (CODEDEPLOY_HOOK_SECRET requires it)');

  const serviceName = values.service ?? fromEnv('SANDBOX_SERVICE') ?? SANDBOX_SERVICE.service;
  if (!SERVICE_NAME.test(serviceName)) throw new UsageError(`--service: lowercase letters, digits and hyphens only: ${serviceName}`);

  const portBase = integer('--port-base', values['port-base'] ?? fromEnv('SANDBOX_PORT_BASE'), 1, 65532);
  return {
    envFile: values['env-file'] ?? fromEnv('SANDBOX_ENV_FILE'),
    hookUrls,
    hookSecret,
    portBase,
    serviceName,
    extraServices: integer('--services', values.services ?? fromEnv('SANDBOX_SERVICE_COUNT'), 0, 2000) ?? 0,
    stepMs: integer('--step-ms', values['step-ms'] ?? fromEnv('SANDBOX_STEP_MS'), 1, 60_000),
    pollMs: integer('--poll-ms', values['poll-ms'] ?? fromEnv('SANDBOX_POLL_MS'), 10, 60_000) ?? 300,
    githubRateLimit: integer('--github-rate-limit', values['github-rate-limit'] ?? fromEnv('SANDBOX_GITHUB_RATE_LIMIT'), 1, 1_000_000),
    help: values.help ?? false,
  };
}

function parseFlags(argv: string[]) {
  return parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      'env-file': { type: 'string' },
      'hook-url': { type: 'string', multiple: true },
      'hook-secret': { type: 'string' },
      'port-base': { type: 'string' },
      service: { type: 'string' },
      services: { type: 'string' },
      'step-ms': { type: 'string' },
      'poll-ms': { type: 'string' },
      'github-rate-limit': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

function integer(flag: string, raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || value < min || value > max)
    throw new UsageError(`${flag}: must be a whole number from ${min} to ${max}, not ${raw}`);
  return value;
}
