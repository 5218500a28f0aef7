// Configuration is parsed once, at start, from the environment. A wrong or missing value stops
// start-up with a message that names the variable, never a stack trace from deep inside.
// Each concern parses its own variables (server.ts, access.ts, telemetry.ts, storage.ts,
// temporal.ts, distribution.ts, deploy.ts, slack.ts); this file composes them into one Config.
import { z } from 'zod';
import { ConfigError } from './config-error.js';
import { accessConfig, accessFields, resolveKeys, type AccessConfig } from './access.js';
import { deployConfig, deployFields, type DeployConfig } from './deploy.js';
import { distributionConfig, distributionFields, type ChannelsConfig, type DistributionConfig } from './distribution.js';
import { serverConfig, serverFields, type ServerConfig } from './server.js';
import { loadSlackConfig, type SlackConfig } from './slack.js';
import { storageConfig, storageFields, storageProblems, type StorageConfig } from './storage.js';
import { telemetryConfig, telemetryFields, type TelemetryConfig } from './telemetry.js';
import { temporalConfig, temporalFields, type TemporalConfig } from './temporal.js';
import { hasCredentials, loadTemporalProfile } from '../temporal/connection.js';

export { ROLES, type Role } from './fields.js';
export { SANDBOX_POLL_MS } from './deploy.js';
export type { TracingConfig } from './telemetry.js';
export { ConfigError };

export const configSchema = z.object({
  ...serverFields,
  ...accessFields,
  ...telemetryFields,
  ...storageFields,
  ...temporalFields,
  ...distributionFields,
  ...deployFields,
});

export interface Config extends ServerConfig, AccessConfig, StorageConfig, TelemetryConfig {
  temporal: TemporalConfig;
  deploy: DeployConfig;
  /** Slack ChatOps and the CodeDeploy hook (common/config/slack.ts). */
  slack: SlackConfig;
  distribution: DistributionConfig;
  channels: ChannelsConfig;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable (`export X=`) means "not set", as in most shells' and tools' conventions.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = configSchema.safeParse(present);
  let slack: SlackConfig | undefined;
  const problems = parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  try {
    slack = loadSlackConfig(present);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
  const temporal = loadTemporalProfile(present as Record<string, string>);
  problems.push(...temporal.problems);
  problems.push(...storageProblems(present));
  if (!parsed.success || !slack || !temporal.profile || problems.length > 0) throw new ConfigError(problems);
  const profile = temporal.profile;
  if (!profile.address && hasCredentials(profile.credentials)) {
    problems.push(
      'TEMPORAL_ADDRESS: required with TEMPORAL_API_KEY, TEMPORAL_TLS* or TEMPORAL_GRPC_META_* (the embedded dev server takes no credentials)',
    );
  }
  const raw = parsed.data;
  const storage = storageConfig(raw);
  problems.push(...storage.problems);
  const { identities, problems: keyProblems } = resolveKeys(raw);
  problems.push(...keyProblems);
  if (problems.length > 0) throw new ConfigError(problems);
  const server = serverConfig(raw);
  return {
    ...server,
    ...accessConfig(raw, identities.keys),
    ...storage.config,
    ...telemetryConfig(raw),
    temporal: temporalConfig(raw, profile),
    // SWITCHYARD_IDENTITIES' Slack users travel with the Slack settings, to the Slack routes that decide.
    slack: { ...slack, people: identities.slackUsers },
    deploy: deployConfig(raw, server.sandbox),
    ...distributionConfig(raw),
  };
}

/** For entry points: parse, or print the problems and exit with status 2. */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): Config {
  try {
    return loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
}
