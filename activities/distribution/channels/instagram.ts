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
import { PermanentChannelError, TransientChannelError } from './errors.js';
import { lostOrRefused, withTransientRetries } from './http.js';
import { buildCaption } from './instagram-caption.js';
import { CHANNEL, createGraphClient, createdObject, publishingLimit, type GraphParams } from './instagram-graph.js';
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

/** Graph's rate-limit codes: the request was refused before it was processed. */
const RATE_LIMIT_CODES = new Set([4, 17, 32, 341, 613]);
const refusedUnprocessed = (error: TransientChannelError) =>
  error.status === 429 || (typeof error.remoteCode === 'number' && RATE_LIMIT_CODES.has(error.remoteCode));

export function createInstagramAdapter(options: InstagramAdapterOptions): ChannelAdapter {
  const user = encodeURIComponent(options.igUserId);

  const { graph, readContainer, resultForMedia, resultForPublishedContainer } = createGraphClient(options);

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
