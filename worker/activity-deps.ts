// Builds the activity dependencies from configuration and the external services' endpoints.
import type { ActivityDeps } from '../activities/index.js';
import type { DeployEndpoints } from '../activities/deployment/clients.js';
import { ChannelCircuitBreakers } from '../activities/distribution/circuit-breaker.js';
import type { Config } from '../common/config/config.js';
import { circuitMetrics } from './circuit-metrics.js';
import type { ConnectionStore } from '../common/connections/connection-store.js';
import type { SlackActivityDeps } from '../activities/slack/index.js';
import type { ChannelSetup } from './channel-endpoints.js';

export interface WorkerServices {
  channels: ChannelSetup;
  deployEndpoints: DeployEndpoints;
  connections: ConnectionStore;
  slack: SlackActivityDeps;
}

export function buildActivityDeps(config: Config, services: WorkerServices, workerIdentity: string): ActivityDeps {
  return {
    sandbox: config.sandbox,
    workerIdentity,
    channelAdapters: services.channels.adapters,
    channelBreakers: new ChannelCircuitBreakers({
      failureThreshold: config.channels.circuitFailureThreshold,
      openMs: config.channels.circuitOpenMs,
      onChange: circuitMetrics(),
    }),
    distributionWebhook: config.distribution.webhook,
    deployment: {
      connections: services.connections,
      endpoints: services.deployEndpoints,
      pollMs: config.deploy.pollMs,
      health: config.deploy.health,
    },
    slack: services.slack,
  };
}
