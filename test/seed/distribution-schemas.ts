// The Distribution Service seed's response schemas, transcribed as JSON Schema straight from
// ../shared/seeds/distribution-service-openapi.md. Independent of our zod schemas on purpose: a
// response that drifts from the seed fails here even if our own schemas drift with it.
import Ajv from 'ajv';
import addFormats from 'ajv-formats';

const CHANNELS = ['WOORIDONGNE_TV', 'RINGO_BIZ', 'GENIE_TV', 'INSTAGRAM', 'NAVER_BLOG', 'KAKAO_CHANNEL'];
const dateTime = { type: 'string', format: 'date-time' };
const channelFields = {
  distributionId: { type: 'string' },
  estimatedViews: { type: 'integer' },
  updateTimestamp: dateTime,
  adId: { type: 'string' },
  impressionSchedule: { type: 'array', items: { type: 'string' } },
  postUrl: { type: 'string' },
  postId: { type: 'string' },
  messageId: { type: 'string' },
  errorMessage: { type: 'string' },
  retries: { type: 'integer' },
  lastRetryAt: dateTime,
};

const ChannelResult = {
  type: 'object',
  required: ['channel', 'status'],
  properties: {
    channel: { enum: CHANNELS },
    status: { enum: ['PENDING', 'IN_PROGRESS', 'SUCCESS', 'FAILED'] },
    message: { type: 'string' },
    ...channelFields,
  },
};

const schemas = {
  DistributionResponse: {
    type: 'object',
    required: ['distributionId', 'eventId', 'status', 'results'],
    properties: {
      distributionId: { type: 'string' },
      eventId: { type: 'string' },
      status: { enum: ['PENDING', 'IN_PROGRESS', 'COMPLETED', 'PARTIAL_FAILURE', 'FAILED'] },
      startedAt: dateTime,
      completedAt: dateTime,
      results: { type: 'array', items: ChannelResult },
    },
  },
  DistributionStatusResponse: {
    type: 'object',
    required: ['eventId', 'overallStatus', 'channels'],
    properties: {
      eventId: { type: 'string' },
      overallStatus: { enum: ['PENDING', 'IN_PROGRESS', 'COMPLETED', 'PARTIAL_FAILURE', 'FAILED', 'NOT_FOUND'] },
      startedAt: dateTime,
      completedAt: dateTime,
      channels: {
        type: 'array',
        items: {
          type: 'object',
          required: ['channel', 'status'],
          properties: {
            channel: { enum: CHANNELS },
            status: { enum: ['PENDING', 'IN_PROGRESS', 'COMPLETED', 'FAILED'] },
            progress: { type: 'integer', minimum: 0, maximum: 100 },
            completedAt: dateTime,
            ...channelFields,
          },
        },
      },
    },
  },
  RetryResponse: {
    type: 'object',
    required: ['eventId', 'retryStatus', 'results'],
    properties: {
      eventId: { type: 'string' },
      retryStatus: { enum: ['COMPLETED', 'PARTIAL_FAILURE', 'FAILED'] },
      retriedAt: dateTime,
      results: { type: 'array', items: ChannelResult },
    },
  },
  ErrorResponse: {
    type: 'object',
    required: ['error', 'message', 'timestamp'],
    properties: { error: { type: 'string' }, message: { type: 'string' }, timestamp: dateTime, details: { type: 'object' } },
  },
} as const;

const ajv = new Ajv.default({ allErrors: true, strict: false });
addFormats.default(ajv);

export type SeedSchemaName = keyof typeof schemas;

/** The validation errors of `value` against the seed schema, as readable lines (empty when valid). */
export function seedSchemaErrors(name: SeedSchemaName, value: unknown): string[] {
  const validate = ajv.compile(schemas[name]);
  return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message}`);
}
