// Where the channel adapters point: at the configured real endpoints, with channels lacking
// configuration failing clearly when used. (The sandbox injects its own: emulators/wiring/.)
import type { ChannelType } from '../domain/channels.js';
import type { Config } from '../common/config/config.js';
import { createChannelAdapters } from '../activities/distribution/channels/registry.js';
import type { ChannelAdapter, ChannelEndpointsConfig, PartnerChannelType } from '../activities/distribution/channels/types.js';
import { createUnconfiguredAdapter } from '../activities/distribution/channels/unconfigured.js';

export interface ChannelSetup {
  adapters: Record<ChannelType, ChannelAdapter>;
}

export function realChannels(config: Config): ChannelSetup {
  const { instagram, partners, requestTimeoutMs } = config.channels;
  const endpoints: ChannelEndpointsConfig = {
    instagram: {
      graphBaseUrl: instagram.graphBaseUrl,
      igUserId: instagram.igUserId ?? '',
      accessToken: instagram.accessToken ?? '',
      pollIntervalMs: 1000,
      pollTimeoutMs: 5 * 60_000,
    },
    partners: Object.fromEntries(
      Object.entries(partners).map(([channel, p]) => [channel, { baseUrl: p.baseUrl ?? '', token: p.token ?? '' }]),
    ) as ChannelEndpointsConfig['partners'],
    requestTimeoutMs,
  };
  const adapters = createChannelAdapters(endpoints);
  if (!instagram.igUserId || !instagram.accessToken)
    adapters.INSTAGRAM = createUnconfiguredAdapter('INSTAGRAM', ['INSTAGRAM_USER_ID', 'INSTAGRAM_ACCESS_TOKEN']);
  for (const [channel, p] of Object.entries(partners) as [PartnerChannelType, { baseUrl?: string; token?: string }][]) {
    if (!p.baseUrl || !p.token) adapters[channel] = createUnconfiguredAdapter(channel, [`${channel}_API_URL`, `${channel}_API_TOKEN`]);
  }
  return { adapters };
}
