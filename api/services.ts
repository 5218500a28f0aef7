// What the API talks to besides Temporal: the connection store, and GitHub/AWS for validating
// connections, plus deployment defaults, all from configuration. A launcher may inject the base
// AWS credentials (npm start's sandbox, emulators/wiring/).
import type { AwsCredentialIdentityProvider } from '../common/aws/credentials.js';
import { openConnectionStore } from '../common/connections/open-connection-store.js';
import { loadEncryptionKeys } from '../common/secrets/secret-box.js';
import type { Config } from '../common/config/config.js';
import { createSlackWebClient } from '../common/config/slack.js';
import type { AppOptions } from './app-deps.js';

export type ApiServices = Pick<AppOptions, 'connections' | 'deploy' | 'streamTokenSecret'>;

export interface InjectedApiServices {
  /** Role connections assume their roles from these; the process's default credential chain otherwise. */
  baseAwsCredentials?: AwsCredentialIdentityProvider;
}

export function apiServices(config: Config, injected: InjectedApiServices = {}): ApiServices {
  const configured = Object.fromEntries(Object.entries(config.deploy.target).filter(([, value]) => value !== undefined));
  return {
    connections: openConnectionStore(config),
    // Stream tokens are signed under a key derived from the shared encryption keys: valid on every replica.
    streamTokenSecret: loadEncryptionKeys(config.dataDir, config.encryptionKeys),
    deploy: {
      githubApiUrl: config.deploy.githubApiUrl,
      awsEndpoint: config.deploy.awsEndpoint,
      ...(injected.baseAwsCredentials ? { baseAwsCredentials: injected.baseAwsCredentials } : {}),
      defaults: {
        target: configured,
        builder: config.deploy.builder,
        queueCapacity: config.deploy.queueCapacity,
        updateTimeoutMs: config.temporal.updateTimeoutMs,
        probeHosts: config.deploy.probeHosts,
        approvalPolicies: config.deploy.approvalPolicies,
        limits: config.deploy.limits,
      },
    },
  };
}

/** Slack for the API, as configured. */
export function slackServices(config: Config): NonNullable<AppOptions['slack']> {
  return { config: config.slack, client: createSlackWebClient(config.slack), publicUrl: config.publicUrl };
}
