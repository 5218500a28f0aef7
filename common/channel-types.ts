// The six distribution channels (the seed's enum). Pure data: workflows, activities and the API
// all import it.
export const CHANNEL_TYPES = ['WOORIDONGNE_TV', 'RINGO_BIZ', 'GENIE_TV', 'INSTAGRAM', 'NAVER_BLOG', 'KAKAO_CHANNEL'] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];
