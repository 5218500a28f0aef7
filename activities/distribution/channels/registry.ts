// Builds every channel's adapter from one endpoints config, so production and the sandbox differ
// only in URLs and credentials.
import { createInstagramAdapter } from './instagram.js';
import { createPartnerAdapter } from './partner.js';
import type { ChannelAdapter, ChannelEndpointsConfig, ChannelType, PartnerChannelType } from './types.js';

export type { ChannelEndpointsConfig } from './types.js';

export function createChannelAdapters(config: ChannelEndpointsConfig): Record<ChannelType, ChannelAdapter> {
  const partner = (channel: PartnerChannelType) => createPartnerAdapter(channel, config.partners[channel], config.requestTimeoutMs);
  return {
    INSTAGRAM: createInstagramAdapter({ ...config.instagram, requestTimeoutMs: config.requestTimeoutMs }),
    WOORIDONGNE_TV: partner('WOORIDONGNE_TV'),
    RINGO_BIZ: partner('RINGO_BIZ'),
    GENIE_TV: partner('GENIE_TV'),
    NAVER_BLOG: partner('NAVER_BLOG'),
    KAKAO_CHANNEL: partner('KAKAO_CHANNEL'),
  };
}
