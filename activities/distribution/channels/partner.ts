// Adapter for the five HTTP partner channels (Naver Blog, Kakao Channel, WooriDongne TV, RingoBiz,
// Genie TV). Each partner sits at its own base URL and authenticates with `Authorization: Bearer`.
//
// Partner protocol (JSON over HTTP; errors are `{error, message}` with a 4xx/5xx status):
//   POST {base}/v1/drafts                   headers: Idempotency-Key
//        body {eventId, contentUrl, config}  -> 201 {draftId, status: 'DRAFT'}
//        A repeated Idempotency-Key with the same body returns the same draft (200); with a
//        different body it is refused (422), as payment APIs do.
//   GET  {base}/v1/drafts/{draftId}         -> 200 {draftId, status: 'DRAFT'|'PUBLISHED', result?}
//   POST {base}/v1/drafts/{draftId}/publish -> 200 result (the channel's seed fields, see partner-channels.ts)
//        -> 409 {error: 'ALREADY_PUBLISHED'} when the draft was published before.
//
// Publishing is never blind: publish() reads the draft first and returns the stored result when
// an earlier attempt (whose response may have been lost) already published it.
import { PermanentChannelError } from './errors.js';
import { requestChannel } from './http.js';
import { PARTNER_CHANNELS } from './partner-channels.js';
import type { ChannelHttpCall } from './http.js';
import type { ChannelAdapter, ChannelPublishResult, PartnerChannelType, PreparedPublish, PublishInput } from './types.js';
import { z } from 'zod';

export interface PartnerEndpoint {
  baseUrl: string;
  token: string;
}

const draftCreated = z.object({ draftId: z.string().min(1) });
const draftState = z.object({
  draftId: z.string().min(1),
  status: z.enum(['DRAFT', 'PUBLISHED']),
  result: z.record(z.string(), z.unknown()).optional(),
});

export function createPartnerAdapter(channel: PartnerChannelType, endpoint: PartnerEndpoint, requestTimeoutMs: number): ChannelAdapter {
  const spec = PARTNER_CHANNELS[channel];
  const base = endpoint.baseUrl.replace(/\/+$/, '');

  const call = (method: ChannelHttpCall['method'], path: string, operation: string, signal: AbortSignal | undefined,
    options: Pick<ChannelHttpCall, 'headers' | 'body' | 'passStatuses'> = {}) =>
    requestChannel({
      channel, method, operation, signal,
      url: `${base}${path}`,
      headers: { authorization: `Bearer ${endpoint.token}`, accept: 'application/json', ...options.headers },
      body: options.body,
      passStatuses: options.passStatuses,
      timeoutMs: requestTimeoutMs,
      secrets: [endpoint.token],
    });

  const parse = <T>(schema: z.ZodType<T>, body: unknown, operation: string): T => {
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      throw new PermanentChannelError(channel, `${operation} returned an unexpected response: ${z.prettifyError(parsed.error)}`);
    }
    return parsed.data;
  };

  const toResult = (body: unknown): ChannelPublishResult =>
    ({ message: spec.successMessage, ...parse(spec.result, body, 'publish result') });

  const readDraft = async (draftId: string, signal?: AbortSignal) =>
    parse(draftState, (await call('GET', `/v1/drafts/${encodeURIComponent(draftId)}`, 'read draft', signal)).body, 'read draft');

  return {
    channel,

    async prepare(input: PublishInput, signal?: AbortSignal): Promise<PreparedPublish> {
      const payload = { eventId: input.eventId, contentUrl: input.contentUrls[spec.contentUrlKey] ?? null, config: input.config };
      const res = await call('POST', '/v1/drafts', 'create draft', signal, {
        headers: { 'content-type': 'application/json', 'idempotency-key': input.idempotencyKey },
        body: JSON.stringify(payload),
      });
      return { channel, remoteId: parse(draftCreated, res.body, 'create draft').draftId };
    },

    async publish(_input: PublishInput, prepared: PreparedPublish, onProgress: (percent: number) => void,
      signal?: AbortSignal): Promise<ChannelPublishResult> {
      const before = await readDraft(prepared.remoteId, signal);
      if (before.status === 'PUBLISHED') return toResult(before.result);

      const res = await call('POST', `/v1/drafts/${encodeURIComponent(prepared.remoteId)}/publish`, 'publish draft', signal,
        { passStatuses: [409] });
      if (res.status === 409) {
        // Another attempt won the race between our check and our publish: its result is ours.
        const after = await readDraft(prepared.remoteId, signal);
        if (after.status === 'PUBLISHED') return toResult(after.result);
        throw new PermanentChannelError(channel, 'publish draft was refused as already published, but the draft is not published', 409);
      }
      onProgress(100);
      return toResult(res.body);
    },
  };
}
