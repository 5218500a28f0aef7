// What the production entry points (api/main.ts, worker/main.ts: the image's commands) insist on
// before they start. Sandbox mode lives in `npm start` and `npm run sandbox` only; a replica that
// lost a variable must stop and say which, not come up with defaults anyone can read.
import { isPublishedSandboxSecret } from './secrets/sandbox-secrets.js';

export type ProductionRole = 'api' | 'worker';

/** Variables the production code reads as secrets: none may carry a published sandbox value. */
export const SECRET_VARIABLES = [
  'SLACK_SIGNING_SECRET',
  'SLACK_BOT_TOKEN',
  'CODEDEPLOY_HOOK_SECRET',
  'GITHUB_TOKEN',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'SWITCHYARD_API_KEY',
  'DISTRIBUTION_WEBHOOK_SECRET',
] as const;

/** Each problem names its variable; empty when the environment may run in production. */
export function productionProblems(env: NodeJS.ProcessEnv, role: ProductionRole): string[] {
  const set = (name: string) => (env[name] ?? '').trim() !== '';
  const problems: string[] = [];
  if (/^(true|1|yes|on)$/i.test((env.SWITCHYARD_SANDBOX ?? '').trim())) {
    problems.push(
      'SWITCHYARD_SANDBOX: sandbox mode runs only under `npm start` or `npm run sandbox`; the production entry points have no emulators. Unset it.',
    );
  }
  if (!set('TEMPORAL_ADDRESS') && !set('TEMPORAL_CONFIG_FILE')) {
    problems.push(
      'TEMPORAL_ADDRESS: required (or a temporal.toml profile naming it, TEMPORAL_CONFIG_FILE): the Temporal frontend as host:port (production never falls back to localhost:7233).',
    );
  }
  if (!set('SWITCHYARD_ENCRYPTION_KEY') && !set('SWITCHYARD_ENCRYPTION_KEYS')) {
    problems.push(
      'SWITCHYARD_ENCRYPTION_KEY: required: the key every replica seals stored secrets with (openssl rand -base64 32); a generated one dies with its container.',
    );
  }
  if (role === 'api' && !['SWITCHYARD_API_KEY', 'SWITCHYARD_API_KEYS', 'SWITCHYARD_API_KEYS_FILE'].some(set)) {
    problems.push(
      'SWITCHYARD_API_KEY: required (or SWITCHYARD_API_KEYS / SWITCHYARD_API_KEYS_FILE): the API does not generate keys in production.',
    );
  }
  for (const name of SECRET_VARIABLES) {
    if (isPublishedSandboxSecret(env[name]))
      problems.push(`${name}: is the sandbox's published value, which anyone can read; set a secret of your own.`);
  }
  return problems;
}

/** For the production entry points: print every problem and exit with status 2, as loadConfigOrExit does. */
export function requireProductionEnvironment(role: ProductionRole, env: NodeJS.ProcessEnv = process.env): void {
  const problems = productionProblems(env, role);
  if (problems.length === 0) return;
  console.error(`Switchyard ${role} refuses to start: not a production configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  process.exit(2);
}
