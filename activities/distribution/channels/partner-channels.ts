// What differs between the five HTTP partner channels: which content URL they take and which of
// the Distribution Service's result fields their publish result carries. Results are validated field by field so
// a partner that changes its response fails loudly instead of filling the status with blanks.
import { z } from 'zod';
import type { ChannelPublishResult, PartnerChannelType } from './types.js';

export interface PartnerChannelSpec {
  /** Key in the request's `contentUrls` (the Distribution Service's names). */
  contentUrlKey: string;
  /** The Distribution Service's result message for this kind of channel. */
  successMessage: string;
  /** Picks this channel's Distribution Service fields out of the partner's publish result. */
  result: z.ZodType<Omit<ChannelPublishResult, 'message'>>;
}

const id = z.string().min(1);

export const PARTNER_CHANNELS: Record<PartnerChannelType, PartnerChannelSpec> = {
  WOORIDONGNE_TV: {
    contentUrlKey: 'wooridongneTV',
    successMessage: '배포 완료',
    result: z.object({ distributionId: id, estimatedViews: z.number().int().nonnegative() }),
  },
  RINGO_BIZ: {
    contentUrlKey: 'ringoBiz',
    successMessage: '배포 완료',
    result: z.object({ updateTimestamp: z.iso.datetime({ offset: true }) }),
  },
  GENIE_TV: {
    contentUrlKey: 'genieTV',
    successMessage: '배포 완료',
    result: z.object({
      adId: id,
      impressionSchedule: z.array(z.string()),
      distributionId: id.optional(),
      estimatedViews: z.number().int().nonnegative().optional(),
    }),
  },
  NAVER_BLOG: {
    contentUrlKey: 'naverBlog',
    successMessage: '게시 완료',
    result: z.object({ postUrl: z.url(), postId: id.optional() }),
  },
  KAKAO_CHANNEL: {
    contentUrlKey: 'kakaoChannel',
    successMessage: '발송 완료',
    result: z.object({ messageId: id }),
  },
};
