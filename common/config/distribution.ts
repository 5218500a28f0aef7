// Distribution to the channels: the retry window, the completion webhook, and each channel's
// endpoint and circuit breaker.
import { z } from 'zod';
import { PARTNER_CHANNEL_TYPES, type PartnerChannelType } from '../../domain/channels.js';

const distributionSchema = z.object({
  DISTRIBUTION_RETRY_WINDOW_SECONDS: z.coerce
    .number()
    .int()
    .min(0)
    .default(7 * 24 * 3600),
  DISTRIBUTION_RETRY_BACKOFF_MS: z.coerce.number().int().min(0).default(1000),
  DISTRIBUTION_SYNC_WAIT_MS: z.coerce.number().int().min(0).max(60_000).default(5000),
  DISTRIBUTION_WEBHOOK_URL: z.url().optional(),
  DISTRIBUTION_WEBHOOK_SECRET: z.string().min(16).optional(),
  CHANNEL_CIRCUIT_FAILURE_THRESHOLD: z.coerce.number().int().min(1).default(5),
  CHANNEL_CIRCUIT_OPEN_SECONDS: z.coerce.number().int().min(1).default(30),
  CHANNEL_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  INSTAGRAM_GRAPH_URL: z.url().default('https://graph.facebook.com/v21.0'),
  INSTAGRAM_USER_ID: z.string().optional(),
  INSTAGRAM_ACCESS_TOKEN: z.string().optional(),
  ...partnerVariables('NAVER_BLOG'),
  ...partnerVariables('KAKAO_CHANNEL'),
  ...partnerVariables('WOORIDONGNE_TV'),
  ...partnerVariables('RINGO_BIZ'),
  ...partnerVariables('GENIE_TV'),
});
export const distributionFields = distributionSchema.shape;
type DistributionRaw = z.infer<typeof distributionSchema>;

function partnerVariables<C extends PartnerChannelType>(channel: C) {
  return {
    [`${channel}_API_URL`]: z.url().optional(),
    [`${channel}_API_TOKEN`]: z.string().optional(),
  } as Record<`${C}_API_URL` | `${C}_API_TOKEN`, z.ZodOptional<z.ZodString>>;
}

export interface DistributionConfig {
  retryWindowMs: number;
  retryBackoffMs: number;
  syncWaitMs: number;
  webhook: { url: string | undefined; secret: string | undefined; timeoutMs: number };
}

export interface ChannelsConfig {
  circuitFailureThreshold: number;
  circuitOpenMs: number;
  requestTimeoutMs: number;
  /** Real endpoints (ignored in sandbox mode, where the emulators stand in). */
  instagram: { graphBaseUrl: string; igUserId: string | undefined; accessToken: string | undefined };
  partners: Record<PartnerChannelType, { baseUrl: string | undefined; token: string | undefined }>;
}

export function distributionConfig(raw: DistributionRaw): { distribution: DistributionConfig; channels: ChannelsConfig } {
  return {
    distribution: {
      retryWindowMs: raw.DISTRIBUTION_RETRY_WINDOW_SECONDS * 1000,
      retryBackoffMs: raw.DISTRIBUTION_RETRY_BACKOFF_MS,
      syncWaitMs: raw.DISTRIBUTION_SYNC_WAIT_MS,
      webhook: { url: raw.DISTRIBUTION_WEBHOOK_URL, secret: raw.DISTRIBUTION_WEBHOOK_SECRET, timeoutMs: raw.CHANNEL_REQUEST_TIMEOUT_MS },
    },
    channels: {
      circuitFailureThreshold: raw.CHANNEL_CIRCUIT_FAILURE_THRESHOLD,
      circuitOpenMs: raw.CHANNEL_CIRCUIT_OPEN_SECONDS * 1000,
      requestTimeoutMs: raw.CHANNEL_REQUEST_TIMEOUT_MS,
      instagram: { graphBaseUrl: raw.INSTAGRAM_GRAPH_URL, igUserId: raw.INSTAGRAM_USER_ID, accessToken: raw.INSTAGRAM_ACCESS_TOKEN },
      partners: Object.fromEntries(
        PARTNER_CHANNEL_TYPES.map((channel) => [
          channel,
          {
            baseUrl: raw[`${channel}_API_URL`],
            token: raw[`${channel}_API_TOKEN`],
          },
        ]),
      ) as ChannelsConfig['partners'],
    },
  };
}
