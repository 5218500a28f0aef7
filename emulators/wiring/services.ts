// Sandbox mode's wiring: a running Sandbox turned into ordinary configuration (endpoints, the
// seeded target, Slack settings) and injected services (channel adapters, the base AWS
// credentials) for the production API and worker code, which never imports emulators/.
// Used by `npm start` (launcher/), the tests, the bench and the fault suite.
import type { Config } from '../../common/config/config.js';
import type { ConnectionStore } from '../../common/connections/connection-store.js';
import { createChannelAdapters } from '../../activities/distribution/channels/registry.js';
import { apiServices, slackServices, type ApiServices } from '../../api/services.js';
import type { AppOptions } from '../../api/app-deps.js';
import type { WorkerServices } from '../../worker/activity-deps.js';
import type { ChannelSetup } from '../../worker/channel-endpoints.js';
import { workerServices } from '../../worker/services.js';
import { ensureSandboxConnections, sandboxBaseAwsCredentials, sandboxSlackConfig, type Sandbox } from '../sandbox.js';
import { sandboxChannelEndpoints } from './channel-endpoints.js';

/**
 * The configuration with the sandbox's endpoints, seeded target and Slack filled in; what was
 * configured explicitly wins. `slackDefaults`: the stored sandbox connections for slash commands.
 */
export function sandboxConfig(
  config: Config,
  sandbox: Sandbox,
  slackDefaults?: { githubConnectionId: string; awsConnectionId: string },
): Config {
  const configured = Object.fromEntries(Object.entries(config.deploy.target).filter(([, value]) => value !== undefined));
  return {
    ...config,
    deploy: {
      ...config.deploy,
      githubApiUrl: sandbox.githubApiUrl,
      awsEndpoint: sandbox.awsEndpoint,
      target: { ...config.deploy.target, ...sandbox.target, ...configured },
    },
    slack: sandboxSlackConfig(config.slack, sandbox, slackDefaults),
  };
}

/** The API's services against the sandbox (or, without one, as configured). */
export function sandboxApiServices(config: Config, sandbox: Sandbox | undefined): ApiServices {
  if (!sandbox) return apiServices(config);
  return apiServices(sandboxConfig(config, sandbox), { baseAwsCredentials: sandboxBaseAwsCredentials });
}

/** The API's configuration in sandbox mode, Slack defaults included (creates the sandbox connections once). */
export async function sandboxApiConfig(config: Config, sandbox: Sandbox, connections: ConnectionStore): Promise<Config> {
  await connections.ready();
  return sandboxConfig(config, sandbox, await ensureSandboxConnections(connections));
}

/** The API's configuration and services in sandbox mode, as `npm start` starts it. */
export async function sandboxApi(config: Config, sandbox: Sandbox): Promise<{ config: Config; services: ApiServices }> {
  const services = sandboxApiServices(config, sandbox);
  return { config: await sandboxApiConfig(config, sandbox, services.connections), services };
}

/** Slack for an API built by hand (tests): the sandbox's Slack emulator with defaults filled in. */
export async function sandboxSlackServices(
  config: Config,
  sandbox: Sandbox | undefined,
  connections: ConnectionStore,
): Promise<NonNullable<AppOptions['slack']>> {
  return slackServices(sandbox ? await sandboxApiConfig(config, sandbox, connections) : config);
}

export function sandboxChannels(sandbox: Sandbox, config: Config): ChannelSetup {
  const endpoints = sandboxChannelEndpoints(sandbox.channels, { pollIntervalMs: 250, requestTimeoutMs: config.channels.requestTimeoutMs });
  return { adapters: createChannelAdapters(endpoints) };
}

/** The worker's services against the sandbox (or, without one, as configured). */
export function sandboxWorkerServices(config: Config, sandbox: Sandbox | undefined): WorkerServices {
  if (!sandbox) return workerServices(config);
  return workerServices(sandboxConfig(config, sandbox), {
    channels: sandboxChannels(sandbox, config),
    baseAwsCredentials: sandboxBaseAwsCredentials,
  });
}
