// What the worker's activities talk to: the sandbox's emulators, or the configured services.
import { openConnectionStore } from '../common/connection-store.js';
import type { Config } from '../common/config.js';
import type { Sandbox } from '../emulators/sandbox.js';
import type { WorkerServices } from './activity-deps.js';
import { realChannels, sandboxChannels } from './channel-endpoints.js';

export function workerServices(config: Config, sandbox: Sandbox | undefined): WorkerServices {
  return {
    channels: sandbox ? sandboxChannels(sandbox.channels, config) : realChannels(config),
    deployEndpoints: {
      githubApiUrl: sandbox?.githubApiUrl ?? config.deploy.githubApiUrl,
      awsEndpoint: sandbox?.awsEndpoint ?? config.deploy.awsEndpoint,
    },
    connections: openConnectionStore(config.dataDir, config.encryptionKey),
  };
}
