// The Distribution Service's schemas, as zod: one source for validation, types and the
// OpenAPI document.
import { z } from '@hono/zod-openapi';
import { boundedJsonObject } from '../bounded-input.js';
import { CHANNEL_TYPES } from '../../domain/channels.js';
import { CHANNEL_STATUSES, OVERALL_STATUSES, RETRY_STATUSES } from '../../domain/distribution.js';

export const ChannelTypeSchema = z.enum(CHANNEL_TYPES).openapi({ description: '채널 타입', example: 'INSTAGRAM' });
/** The Distribution Service's result status: a channel's status with COMPLETED called SUCCESS (api/distributions/mapping.ts). */
const CHANNEL_RESULT_STATUSES = ['PENDING', 'IN_PROGRESS', 'SUCCESS', 'FAILED'] as const;
const dateTime = () => z.string().openapi({ format: 'date-time' });

export const EventIdSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/,
    '유효하지 않은 이벤트 ID입니다 (invalid event id: letters, digits, ".", "_", "-", at most 128)',
  )
  .openapi({ description: '이벤트 ID', example: 'evt-12345' });

export const ChannelConfigSchema = z
  .object({
    type: ChannelTypeSchema,
    config: boundedJsonObject()
      .refine(
        (config) =>
          config.scheduledTime === undefined ||
          (typeof config.scheduledTime === 'string' && !Number.isNaN(Date.parse(config.scheduledTime))),
        {
          message: 'config.scheduledTime must be an ISO-8601 date-time',
        },
      )
      .optional()
      .openapi({
        description: '채널별 설정 (채널에 따라 다름); `scheduledTime` delays the publish',
        example: { scheduledTime: '2025-11-01T10:00:00Z', caption: '이벤트 안내', hashtags: ['이벤트', '할인'] },
      }),
  })
  .openapi('ChannelConfig');

export const DistributionRequestSchema = z
  .object({
    eventId: EventIdSchema,
    channels: z
      .array(ChannelConfigSchema)
      .min(1, 'At least one channel must be selected (최소 1개 이상의 채널을 선택해야 합니다)')
      .refine((channels) => new Set(channels.map((c) => c.type)).size === channels.length, {
        message: 'Each channel may appear only once',
      }),
    contentUrls: z
      .object({
        wooridongneTV: z.string().max(2048).optional(),
        ringoBiz: z.string().max(2048).optional(),
        genieTV: z.string().max(2048).optional(),
        instagram: z.string().max(2048).optional(),
        naverBlog: z.string().max(2048).optional(),
        kakaoChannel: z.string().max(2048).optional(),
      })
      .openapi({ description: '플랫폼별 콘텐츠 URL' }),
  })
  .openapi('DistributionRequest');

const channelFields = {
  distributionId: z.string().optional(),
  estimatedViews: z.number().int().optional(),
  updateTimestamp: dateTime().optional(),
  adId: z.string().optional(),
  impressionSchedule: z.array(z.string()).optional(),
  postUrl: z.string().optional(),
  postId: z.string().optional(),
  messageId: z.string().optional(),
  errorMessage: z.string().optional(),
  retries: z.number().int().optional(),
  lastRetryAt: dateTime().optional(),
};

export const ChannelResultSchema = z
  .object({
    channel: ChannelTypeSchema,
    status: z.enum(CHANNEL_RESULT_STATUSES),
    ...channelFields,
    message: z.string().optional(),
  })
  .openapi('ChannelResult');

export const DistributionResponseSchema = z
  .object({
    distributionId: z.string().openapi({ example: 'dist-evt-12345' }),
    eventId: z.string(),
    status: z.enum(OVERALL_STATUSES),
    startedAt: dateTime().optional(),
    completedAt: dateTime().optional(),
    results: z.array(ChannelResultSchema),
  })
  .openapi('DistributionResponse');

export const ChannelStatusSchema = z
  .object({
    channel: ChannelTypeSchema,
    status: z.enum(CHANNEL_STATUSES),
    progress: z.number().int().min(0).max(100).optional(),
    ...channelFields,
    completedAt: dateTime().optional(),
  })
  .openapi('ChannelStatus');

export const DistributionStatusResponseSchema = z
  .object({
    eventId: z.string(),
    overallStatus: z.enum([...OVERALL_STATUSES, 'NOT_FOUND']),
    startedAt: dateTime().optional(),
    completedAt: dateTime().optional(),
    channels: z.array(ChannelStatusSchema),
  })
  .openapi('DistributionStatusResponse');

export const RetryRequestSchema = z
  .object({ channels: z.array(ChannelTypeSchema).min(1, 'At least one channel must be named') })
  .openapi('RetryRequest');

export const RetryResponseSchema = z
  .object({
    eventId: z.string(),
    retryStatus: z.enum(RETRY_STATUSES),
    retriedAt: dateTime().optional(),
    results: z.array(ChannelResultSchema),
  })
  .openapi('RetryResponse');

export const CancelResponseSchema = z
  .object({
    eventId: z.string(),
    cancelledChannels: z.array(ChannelTypeSchema),
    status: DistributionStatusResponseSchema,
  })
  .openapi('CancelResponse');

export const DistributionListSchema = z
  .object({
    distributions: z.array(
      z.object({
        eventId: z.string(),
        distributionId: z.string(),
        status: z.string(),
        startedAt: z.string(),
        closedAt: z.string().nullable(),
      }),
    ),
  })
  .openapi('DistributionList');

export type DistributionRequest = z.infer<typeof DistributionRequestSchema>;
export type ChannelResult = z.infer<typeof ChannelResultSchema>;
export type ChannelStatusBody = z.infer<typeof ChannelStatusSchema>;
