// Why: the Graph API calls (token placement, retries, response checks) and the container/media reads the flow builds on.
import { z } from 'zod';
import { PermanentChannelError } from './errors.js';
import { requestChannel } from './http.js';
import type { ChannelHttpCall } from './http.js';
import { INVALID_PARAMETER_CODE, describeGraphError } from './instagram-graph-errors.js';
import type { ChannelPublishResult } from './types.js';

export const CHANNEL = 'INSTAGRAM';
const SUCCESS_MESSAGE = '게시 완료';

const containerStatus = z.object({
  status_code: z.enum(['IN_PROGRESS', 'FINISHED', 'ERROR', 'EXPIRED', 'PUBLISHED']),
  status: z.string().optional(),
});
const publishedContainer = z.object({ media_id: z.string().min(1).optional() });
export const createdObject = z.object({ id: z.string().min(1) });
const media = z.object({ permalink: z.string().optional() });
export const publishingLimit = z.object({
  data: z.array(z.object({ quota_usage: z.number(), config: z.object({ quota_total: z.number() }) })).min(1),
});

export type GraphParams = Record<string, string>;
type GraphRetry = Pick<ChannelHttpCall, 'retry' | 'onRetry'>;

export interface GraphClientOptions {
  graphBaseUrl: string;
  accessToken: string;
  requestTimeoutMs: number;
}

/** Graph calls with the token in the body (POST) or query (GET), and the reads of containers and media. */
export function createGraphClient(options: GraphClientOptions) {
  const base = options.graphBaseUrl.replace(/\/+$/, '');

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

  return { graph, readContainer, resultForMedia, resultForPublishedContainer };
}
