// Instagram through the Graph API content-publishing flow:
//   prepare: POST /{ig-user-id}/media (image_url, caption)           -> container id
//   publish: GET /{container-id}?fields=status_code,status          -> IN_PROGRESS (poll) | FINISHED | ERROR | EXPIRED | PUBLISHED
//            GET /{ig-user-id}/content_publishing_limit              -> refuse when the 24 h quota is used up
//            POST /{ig-user-id}/media_publish (creation_id)          -> media id
//            GET /{media-id}?fields=permalink                        -> post URL
// A container that is already PUBLISHED is never published again: that is what keeps a retried
// activity from posting twice. The access token travels in the form body (POST) or the query
// (GET) as Graph expects, and error messages are built from operation names, never from URLs.
//
// Retries of transient failures within one attempt (see http.ts), decided per call:
//   GETs (container status, publishing limit, media permalink): reads, always retried.
//   POST /media (create container): Graph has no idempotency key and no way to look a container
//     up by its content, so a create whose answer was lost (network error, timeout, 5xx) is not
//     repeated here; only a rate-limit refusal (codes 4/17/32/341/613, HTTP 429), which Graph
//     answers without creating anything, is retried. Other transient failures fail the attempt
//     as before (the next attempt creates a fresh container; an orphan is never published).
//   POST /media_publish: not repeated blindly. Only when its answer was lost (dropped connection,
//     timeout) or it was refused as throttled/unavailable (rate-limit codes, 429, 503) is it tried
//     again, and then the container is read first: PUBLISHED means the lost call took effect and
//     its post is returned; only a container still FINISHED is published again. A 500 from
//     media_publish is left to the workflow's next attempt.
import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import { PermanentChannelError, TransientChannelError } from './errors.js';
import { lostOrRefused, requestChannel, withTransientRetries } from './http.js';
import type { ChannelHttpCall } from './http.js';
import { INVALID_PARAMETER_CODE, describeGraphError } from './instagram-graph-errors.js';
import type { ChannelAdapter, ChannelPublishResult, PreparedPublish, PublishInput } from './types.js';

export interface InstagramAdapterOptions {
  /** e.g. https://graph.facebook.com/v21.0, or the sandbox emulator's /instagram. */
  graphBaseUrl: string;
  igUserId: string;
  accessToken: string;
  /** Time between container status checks (production: 1 s, see worker/channel-endpoints.ts). */
  pollIntervalMs: number;
  /** How long a container may stay IN_PROGRESS before this attempt gives up (transiently). */
  pollTimeoutMs: number;
  requestTimeoutMs: number;
}

const CHANNEL = 'INSTAGRAM';
const SUCCESS_MESSAGE = '게시 완료';
/** Graph's documented caption limits; checked here so a bad caption fails before any remote call. */
const MAX_CAPTION_LENGTH = 2_200;
const MAX_HASHTAGS = 30;

const containerStatus = z.object({
  status_code: z.enum(['IN_PROGRESS', 'FINISHED', 'ERROR', 'EXPIRED', 'PUBLISHED']),
  status: z.string().optional(),
});
const publishedContainer = z.object({ media_id: z.string().min(1).optional() });
const createdObject = z.object({ id: z.string().min(1) });
const media = z.object({ permalink: z.string().optional() });
const publishingLimit = z.object({
  data: z.array(z.object({ quota_usage: z.number(), config: z.object({ quota_total: z.number() }) })).min(1),
});

type GraphParams = Record<string, string>;
type GraphRetry = Pick<ChannelHttpCall, 'retry' | 'onRetry'>;

/** Graph's rate-limit codes: the request was refused before it was processed. */
const RATE_LIMIT_CODES = new Set([4, 17, 32, 341, 613]);
const refusedUnprocessed = (error: TransientChannelError) =>
  error.status === 429 || (typeof error.remoteCode === 'number' && RATE_LIMIT_CODES.has(error.remoteCode));

export function createInstagramAdapter(options: InstagramAdapterOptions): ChannelAdapter {
  const base = options.graphBaseUrl.replace(/\/+$/, '');
  const user = encodeURIComponent(options.igUserId);

  const graph = async <T>(
    method: 'GET' | 'POST',
    path: string,
    params: GraphParams,
    schema: z.ZodType<T>,
    operation: string,
    signal?: AbortSignal,
    retry: GraphRetry = {},
  ): Promise<T> => {
    const withToken = new URLSearchParams({ ...params, access_token: options.accessToken });
    const res = await requestChannel({
      channel: CHANNEL,
      method,
      operation,
      signal,
      url: method === 'GET' ? `${base}${path}?${withToken}` : `${base}${path}`,
      body: method === 'POST' ? withToken : undefined,
      headers: { accept: 'application/json' },
      timeoutMs: options.requestTimeoutMs,
      secrets: [options.accessToken],
      describeError: describeGraphError,
      ...retry,
    });
    const parsed = schema.safeParse(res.body);
    if (!parsed.success) {
      throw new PermanentChannelError(CHANNEL, `${operation} returned an unexpected response: ${z.prettifyError(parsed.error)}`);
    }
    return parsed.data;
  };

  const readContainer = (containerId: string, signal?: AbortSignal, onRetry?: () => void) =>
    graph(
      'GET',
      `/${encodeURIComponent(containerId)}`,
      { fields: 'status_code,status' },
      containerStatus,
      'read container status',
      signal,
      { onRetry },
    );

  const resultForMedia = async (mediaId: string, signal?: AbortSignal): Promise<ChannelPublishResult> => {
    const { permalink } = await graph(
      'GET',
      `/${encodeURIComponent(mediaId)}`,
      { fields: 'permalink' },
      media,
      'read media permalink',
      signal,
    );
    return { message: SUCCESS_MESSAGE, postId: mediaId, ...(permalink ? { postUrl: permalink } : {}) };
  };

  // Real Graph containers do not expose the media they became; the sandbox emulator answers a
  // `media_id` field as an extension. Against real Graph the field is refused (#100), and the
  // result says "published" without a post id rather than risking a second post.
  const resultForPublishedContainer = async (containerId: string, signal?: AbortSignal): Promise<ChannelPublishResult> => {
    try {
      const { media_id: mediaId } = await graph(
        'GET',
        `/${encodeURIComponent(containerId)}`,
        { fields: 'id,media_id' },
        publishedContainer,
        'read published container',
        signal,
      );
      if (mediaId) return await resultForMedia(mediaId, signal);
    } catch (err) {
      if (!(err instanceof PermanentChannelError && err.remoteCode === INVALID_PARAMETER_CODE)) throw err;
    }
    return { message: `${SUCCESS_MESSAGE} (already published; post id not available from the Graph API)` };
  };

  const publishFinishedContainer = async (
    containerId: string,
    signal: AbortSignal | undefined,
    keepAlive: () => void,
  ): Promise<ChannelPublishResult> => {
    // Only a failed media_publish goes round again (the reads have their own retries), and every
    // further try reads the container first: never publish a container a lost call published.
    let publishFailed = false;
    return withTransientRetries(
      async (tryNumber) => {
        publishFailed = false;
        if (tryNumber > 1) {
          const { status_code: code, status } = await readContainer(containerId, signal, keepAlive);
          if (code === 'PUBLISHED') return resultForPublishedContainer(containerId, signal);
          if (code !== 'FINISHED') {
            const message = `media container ${containerId} is ${code} after a failed publish${status ? `: ${status}` : ''}`;
            throw code === 'ERROR' || code === 'EXPIRED'
              ? new PermanentChannelError(CHANNEL, message)
              : new TransientChannelError(CHANNEL, message);
          }
        }
        const limit = await graph(
          'GET',
          `/${user}/content_publishing_limit`,
          { fields: 'quota_usage,config' },
          publishingLimit,
          'read content publishing limit',
          signal,
          { onRetry: keepAlive },
        );
        const {
          quota_usage: used,
          config: { quota_total: total },
        } = limit.data[0]!;
        if (used >= total) {
          throw new PermanentChannelError(
            CHANNEL,
            `content publishing quota exhausted: ${used} of ${total} posts used in the last 24 hours`,
          );
        }
        let mediaId: string;
        try {
          publishFailed = true;
          ({ id: mediaId } = await graph(
            'POST',
            `/${user}/media_publish`,
            { creation_id: containerId },
            createdObject,
            'media_publish',
            signal,
            { retry: false },
          ));
          publishFailed = false;
        } catch (err) {
          // A refused publish may mean another attempt published this container meanwhile.
          if (err instanceof PermanentChannelError && (await readContainer(containerId, signal, keepAlive)).status_code === 'PUBLISHED') {
            publishFailed = false;
            return resultForPublishedContainer(containerId, signal);
          }
          throw err;
        }
        return resultForMedia(mediaId, signal);
      },
      { signal, onRetry: keepAlive, shouldRetry: (error) => publishFailed && (lostOrRefused(error) || refusedUnprocessed(error)) },
    );
  };

  return {
    channel: CHANNEL,

    async prepare(input: PublishInput, signal?: AbortSignal): Promise<PreparedPublish> {
      const imageUrl = input.contentUrls.instagram;
      if (!imageUrl) throw new PermanentChannelError(CHANNEL, 'no image URL to publish (contentUrls.instagram is missing)');
      const params: GraphParams = { image_url: imageUrl, caption: buildCaption(input.config) };
      // No idempotency key in Graph: retried only when refused unprocessed (see the top comment).
      const { id } = await graph('POST', `/${user}/media`, params, createdObject, 'create media container', signal, {
        retry: refusedUnprocessed,
      });
      return { channel: CHANNEL, remoteId: id };
    },

    async publish(
      _input: PublishInput,
      prepared: PreparedPublish,
      onProgress: (percent: number) => void,
      signal?: AbortSignal,
    ): Promise<ChannelPublishResult> {
      const containerId = prepared.remoteId;
      const startedAt = Date.now();
      let progress = 0;
      const report = (percent: number) => {
        progress = percent;
        onProgress(percent);
      };
      // Heartbeats while a call waits to retry, so the activity is not taken for dead.
      const keepAlive = () => onProgress(progress);
      for (let polls = 0; ; polls++) {
        const { status_code: code, status } = await readContainer(containerId, signal, keepAlive);
        switch (code) {
          case 'PUBLISHED':
            return resultForPublishedContainer(containerId, signal);
          case 'ERROR':
          case 'EXPIRED':
            throw new PermanentChannelError(CHANNEL, `media container ${containerId} is ${code}${status ? `: ${status}` : ''}`);
          case 'FINISHED': {
            const result = await publishFinishedContainer(containerId, signal, keepAlive);
            report(100);
            return result;
          }
          case 'IN_PROGRESS': {
            const waited = Date.now() - startedAt;
            if (waited >= options.pollTimeoutMs) {
              throw new TransientChannelError(CHANNEL, `media container ${containerId} still IN_PROGRESS after ${waited} ms`);
            }
            report(processingProgress(polls));
            await sleep(options.pollIntervalMs, signal);
          }
        }
      }
    },
  };
}

/** The caption is the configured text followed by the configured hashtags. */
export function buildCaption(config: Record<string, unknown>): string {
  const text = typeof config.caption === 'string' ? config.caption.trim() : '';
  const hashtags = Array.isArray(config.hashtags)
    ? config.hashtags
        .filter((tag): tag is string => typeof tag === 'string' && tag.trim().length > 0)
        .map((tag) => (tag.trim().startsWith('#') ? tag.trim() : `#${tag.trim()}`))
    : [];
  const caption = [text, hashtags.join(' ')].filter((part) => part.length > 0).join('\n\n');
  if (caption.length > MAX_CAPTION_LENGTH) {
    throw new PermanentChannelError(CHANNEL, `caption is ${caption.length} characters; Instagram allows ${MAX_CAPTION_LENGTH}`);
  }
  const tagCount = caption.match(/#[^\s#]+/g)?.length ?? 0;
  if (tagCount > MAX_HASHTAGS) {
    throw new PermanentChannelError(CHANNEL, `caption has ${tagCount} hashtags; Instagram allows ${MAX_HASHTAGS}`);
  }
  return caption;
}

// Graph reports no processing percentage, so progress is an estimate that rises with each poll
// and approaches (never reaches) 90 until the container is FINISHED.
function processingProgress(polls: number): number {
  return Math.round(90 - 80 * 0.8 ** polls);
}

async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  try {
    await delay(ms, undefined, { signal });
  } catch (err) {
    throw signal?.aborted ? (signal.reason ?? err) : err;
  }
}
