// What the worker's activities talk to: the sandbox's emulators, or the configured services.
import { openConnectionStore } from '../common/connection-store.js';
import type { Config } from '../common/config.js';
import { createSlackWebClient } from '../common/slack-config.js';
import { sandboxBaseAwsCredentials, sandboxSlackConfig, type Sandbox } from '../emulators/sandbox.js';
import type { WorkerServices } from './activity-deps.js';
import { realChannels, sandboxChannels } from './channel-endpoints.js';

export function workerServices(config: Config, sandbox: Sandbox | undefined): WorkerServices {
  return {
    channels: sandbox ? sandboxChannels(sandbox.channels, config) : realChannels(config),
    deployEndpoints: {
      githubApiUrl: sandbox?.githubApiUrl ?? config.deploy.githubApiUrl,
      awsEndpoint: sandbox?.awsEndpoint ?? config.deploy.awsEndpoint,
      // Role connections: assumed from the process's default credential chain, or the sandbox's keys.
      ...(sandbox ? { baseAwsCredentials: sandboxBaseAwsCredentials } : {}),
    },
    connections: openConnectionStore(config),
    slack: slackActivityDeps(config, sandbox),
  };
}

function slackActivityDeps(config: Config, sandbox: Sandbox | undefined): WorkerServices['slack'] {
  const slack = sandbox ? sandboxSlackConfig(config.slack, sandbox) : config.slack;
  return { client: createSlackWebClient(slack), channelId: slack.channelId, gifs: slack.gifs, publicUrl: config.publicUrl };
}
