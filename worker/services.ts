// What the worker's activities talk to: the configured services. A launcher may inject stand-ins
// (npm start's sandbox, emulators/wiring/): channel adapters and the base AWS credentials.
import type { AwsCredentialIdentityProvider } from '../common/aws/credentials.js';
import { openConnectionStore } from '../common/connections/open-connection-store.js';
import type { Config } from '../common/config/config.js';
import { createSlackWebClient } from '../common/config/slack.js';
import type { WorkerServices } from './activity-deps.js';
import { realChannels, type ChannelSetup } from './channel-endpoints.js';

export interface InjectedWorkerServices {
  channels?: ChannelSetup;
  /** Role connections assume their roles from these; the process's default credential chain otherwise. */
  baseAwsCredentials?: AwsCredentialIdentityProvider;
}

export function workerServices(config: Config, injected: InjectedWorkerServices = {}): WorkerServices {
  return {
    channels: injected.channels ?? realChannels(config),
    deployEndpoints: {
      githubApiUrl: config.deploy.githubApiUrl,
      awsEndpoint: config.deploy.awsEndpoint,
      ...(injected.baseAwsCredentials ? { baseAwsCredentials: injected.baseAwsCredentials } : {}),
    },
    connections: openConnectionStore(config),
    slack: {
      client: createSlackWebClient(config.slack),
      channelId: config.slack.channelId,
      gifs: config.slack.gifs,
      publicUrl: config.publicUrl,
    },
  };
}
