// The six distribution channels (the Distribution Service's enum), and the five partner channels among them
// (every channel but Instagram speaks the partner API). The one definition: workflows,
// activities, configuration, the emulators and the API all read it from here.
export const CHANNEL_TYPES = ['WOORIDONGNE_TV', 'RINGO_BIZ', 'GENIE_TV', 'INSTAGRAM', 'NAVER_BLOG', 'KAKAO_CHANNEL'] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];

export type PartnerChannelType = Exclude<ChannelType, 'INSTAGRAM'>;

export function isPartnerChannel(channel: ChannelType): channel is PartnerChannelType {
  return channel !== 'INSTAGRAM';
}

/** The partner channels, in CHANNEL_TYPES order. */
export const PARTNER_CHANNEL_TYPES: readonly PartnerChannelType[] = CHANNEL_TYPES.filter(isPartnerChannel);

/**
 * Whether creating the channel's draft is idempotent: the partner API returns the same draft for
 * the same Idempotency-Key and body, so an attempt may prepare and publish in one activity (a
 * retry finds the same draft, and publish checks its state first). Graph's media container create
 * has no idempotency key: Instagram's container id must be recorded in the workflow before publishing.
 */
export function preparesIdempotently(channel: ChannelType): boolean {
  return isPartnerChannel(channel);
}
