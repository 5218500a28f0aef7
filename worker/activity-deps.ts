// Builds the activity dependencies from configuration and the channel setup.
import type { ActivityDeps } from '../activities/index.js';
import { ChannelCircuitBreakers } from '../activities/distribution/circuit-breaker.js';
import type { Config } from '../common/config.js';
import type { ChannelSetup } from './channel-endpoints.js';

export function buildActivityDeps(config: Config, channels: ChannelSetup, workerIdentity: string): ActivityDeps {
  return {
    sandbox: config.sandbox,
    workerIdentity,
    channelAdapters: channels.adapters,
    channelBreakers: new ChannelCircuitBreakers({ failureThreshold: config.channels.circuitFailureThreshold, openMs: config.channels.circuitOpenMs }),
    distributionWebhook: config.distribution.webhook,
  };
}
