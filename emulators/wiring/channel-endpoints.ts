// The adapters' endpoints config for a running sandbox, so the sandbox worker, the split
// sandbox's environment and the tests point the production adapters at the emulators without
// repeating paths and credentials. Wiring (emulators/wiring/ may import activities/): it joins the
// adapters' config to the emulators; the emulators themselves import nothing from activities.
import type { ChannelEndpointsConfig } from '../../activities/distribution/channels/types.js';
import type { PartnerChannelType } from '../../domain/channels.js';
import { PARTNER_PATHS } from '../channels/server.js';
import type { RunningChannelEmulators } from '../channels/server.js';

export interface SandboxTiming {
  pollIntervalMs?: number;
  pollTimeoutMs?: number;
  requestTimeoutMs?: number;
}

export function sandboxChannelEndpoints(emulators: RunningChannelEmulators, timing: SandboxTiming = {}): ChannelEndpointsConfig {
  const { instagram, partners } = emulators.state;
  const partnerEndpoint = (channel: PartnerChannelType) => ({
    baseUrl: `${emulators.url}/partners/${PARTNER_PATHS[channel]}`,
    token: partners[channel].token,
  });
  return {
    instagram: {
      graphBaseUrl: `${emulators.url}/instagram`,
      igUserId: instagram.igUserId,
      accessToken: instagram.accessToken,
      pollIntervalMs: timing.pollIntervalMs ?? 1_000,
      pollTimeoutMs: timing.pollTimeoutMs ?? 5 * 60_000,
    },
    partners: {
      WOORIDONGNE_TV: partnerEndpoint('WOORIDONGNE_TV'),
      RINGO_BIZ: partnerEndpoint('RINGO_BIZ'),
      GENIE_TV: partnerEndpoint('GENIE_TV'),
      NAVER_BLOG: partnerEndpoint('NAVER_BLOG'),
      KAKAO_CHANNEL: partnerEndpoint('KAKAO_CHANNEL'),
    },
    requestTimeoutMs: timing.requestTimeoutMs ?? 10_000,
  };
}
