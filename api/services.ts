// What the API talks to besides Temporal: the connection store, and GitHub/AWS for validating
// connections (the sandbox's emulators, or the real services), plus deployment defaults.
import { openConnectionStore } from '../common/connection-store.js';
import { loadEncryptionKeys } from '../common/secret-box.js';
import type { Config } from '../common/config.js';
import { createSlackWebClient } from '../common/slack-config.js';
import { ensureSandboxConnections, sandboxBaseAwsCredentials, sandboxSlackConfig, type Sandbox } from '../emulators/sandbox.js';
import type { AppOptions } from './app.js';

export type ApiServices = Pick<AppOptions, 'connections' | 'deploy' | 'streamTokenSecret'>;

export function apiServices(config: Config, sandbox: Sandbox | undefined): ApiServices {
  const configured = Object.fromEntries(Object.entries(config.deploy.target).filter(([, value]) => value !== undefined));
  return {
    connections: openConnectionStore(config),
    // Stream tokens are signed under a key derived from the shared encryption keys: valid on every replica.
    streamTokenSecret: loadEncryptionKeys(config.dataDir, config.encryptionKeys),
    deploy: {
      githubApiUrl: sandbox?.githubApiUrl ?? config.deploy.githubApiUrl,
      awsEndpoint: sandbox?.awsEndpoint ?? config.deploy.awsEndpoint,
      // Role connections: assumed from the process's default credential chain, or the sandbox's keys.
      ...(sandbox ? { baseAwsCredentials: sandboxBaseAwsCredentials } : {}),
      defaults: {
        // Explicit configuration wins over the sandbox's seeded service.
        target: { ...sandbox?.target, ...configured },
        builder: config.deploy.builder,
        queueCapacity: config.deploy.queueCapacity,
        probeHosts: config.deploy.probeHosts,
        approvalPolicies: config.deploy.approvalPolicies,
        limits: config.deploy.limits,
      },
    },
  };
}

/** Slack for the API: the configured app, or in sandbox mode the Slack emulator with defaults filled in. */
export async function slackServices(config: Config, sandbox: Sandbox | undefined, connections: AppOptions['connections']): Promise<NonNullable<AppOptions['slack']>> {
  const slack = sandbox ? sandboxSlackConfig(config.slack, sandbox, await ensureSandboxConnections(connections)) : config.slack;
  return { config: slack, client: createSlackWebClient(slack), publicUrl: config.publicUrl };
}
