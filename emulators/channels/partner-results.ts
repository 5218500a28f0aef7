// What each emulated partner returns when a draft is published: the channel's Distribution Service fields,
// derived from the draft's config the way the partner would (reach from radius and time slots,
// an impression schedule from the requested slots), with fresh ids.
import { randomUUID } from 'node:crypto';
import type { PartnerChannelType } from '../../domain/channels.js';
import type { PartnerDraft } from './partner-state.js';

export interface PublishContext {
  /** Public base URL of this partner emulator, for links to published posts. */
  publicBaseUrl: string;
  now: Date;
}

type ResultBuilder = (draft: PartnerDraft, context: PublishContext) => Record<string, unknown>;

/** Named broadcast slots (the Distribution Service's example: weekday_evening, weekend_lunch) and their air times. */
const TIME_SLOTS: Record<string, string> = {
  weekday_morning: '07:00-09:00',
  weekday_lunch: '12:00-14:00',
  weekday_evening: '18:00-20:00',
  weekend_lunch: '12:00-14:00',
  weekend_evening: '18:00-21:00',
};
const VIEWS_PER_KM_SLOT = 1_500;
const GENIE_VIEWS_PER_IMPRESSION_WINDOW = 800;

export const PARTNER_RESULTS: Record<PartnerChannelType, ResultBuilder> = {
  WOORIDONGNE_TV: (draft) => ({
    distributionId: `wtv-${randomUUID()}`,
    estimatedViews: Math.round(VIEWS_PER_KM_SLOT * radiusKm(draft.config.radius) * Math.max(1, timeSlots(draft.config).length)),
  }),
  RINGO_BIZ: (_draft, { now }) => ({ updateTimestamp: now.toISOString() }),
  GENIE_TV: (draft, { now }) => {
    const impressionSchedule = impressionWindows(draft.config, now);
    return {
      adId: `gtv-${randomUUID()}`,
      distributionId: `gtv-dist-${randomUUID()}`,
      impressionSchedule,
      estimatedViews: impressionSchedule.length * GENIE_VIEWS_PER_IMPRESSION_WINDOW,
    };
  },
  NAVER_BLOG: (_draft, { publicBaseUrl }) => {
    const postId = `naver-${randomUUID().slice(0, 12)}`;
    return { postId, postUrl: `${publicBaseUrl}/posts/${postId}` };
  },
  KAKAO_CHANNEL: () => ({ messageId: `kakao-msg-${randomUUID()}` }),
};

/** "1km", "500m" or a number of km; 1 km when absent or unreadable. */
function radiusKm(radius: unknown): number {
  if (typeof radius === 'number' && radius > 0) return radius;
  const match = typeof radius === 'string' ? radius.trim().match(/^(\d+(?:\.\d+)?)\s*(km|m)?$/i) : null;
  if (!match) return 1;
  const value = Number(match[1]);
  return match[2]?.toLowerCase() === 'm' ? value / 1000 : value;
}

function timeSlots(config: Record<string, unknown>): string[] {
  return Array.isArray(config.timeSlots) ? config.timeSlots.filter((s): s is string => typeof s === 'string') : [];
}

/** One window per requested slot on consecutive days from the scheduled time (or now), e.g. "2025-11-01 18:00-20:00". */
function impressionWindows(config: Record<string, unknown>, now: Date): string[] {
  const scheduled = typeof config.scheduledTime === 'string' ? new Date(config.scheduledTime) : now;
  const start = Number.isNaN(scheduled.getTime()) ? now : scheduled;
  const slots = timeSlots(config).map((slot) => TIME_SLOTS[slot] ?? slot);
  const windows = slots.length > 0 ? slots : [TIME_SLOTS.weekday_evening!, TIME_SLOTS.weekend_lunch!];
  return windows.map((window, day) => {
    const date = new Date(start.getTime() + day * 24 * 60 * 60 * 1000).toISOString().slice(0, 10);
    return `${date} ${window}`;
  });
}
