// The sandbox's published credentials (printed by `npm start`, in the README walkthrough). They
// live here, not in emulators/, so the production entry points can refuse them without loading
// any emulator code; emulators/sandbox.ts builds its SANDBOX_* constants from these.
export const PUBLISHED_SANDBOX_SECRETS = {
  githubToken: 'ghp_switchyardSandboxToken000000000000000',
  githubReadOnlyToken: 'github_pat_switchyardSandboxReadOnly000000000000',
  awsAccessKeyId: 'AKIASWITCHYARDSANDBOX',
  awsSecretAccessKey: 'switchyard-sandbox-secret-access-key',
  awsUnauthorizedAccessKeyId: 'AKIASWITCHYARDNOPERMS',
  slackBotToken: 'xoxb-switchyard-sandbox-bot-token',
  slackSigningSecret: 'switchyard-sandbox-slack-signing-secret',
  hookSecret: 'switchyard-sandbox-codedeploy-hook-secret',
} as const;

const published = new Set<string>(Object.values(PUBLISHED_SANDBOX_SECRETS));

/** True when `value` is one of the sandbox's published credentials (anyone can read them). */
export function isPublishedSandboxSecret(value: string | undefined): boolean {
  return value !== undefined && published.has(value.trim());
}
