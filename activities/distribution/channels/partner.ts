// Adapter for the five HTTP partner channels (Naver Blog, Kakao Channel, WooriDongne TV, RingoBiz,
// Genie TV). Each partner sits at its own base URL and authenticates with `Authorization: Bearer`.
//
// Partner protocol (JSON over HTTP; errors are `{error, message}` with a 4xx/5xx status):
//   POST {base}/v1/drafts                   headers: Idempotency-Key
//        body {eventId, contentUrl, config}  -> 201 {draftId, status: 'DRAFT'}
//        A repeated Idempotency-Key with the same body returns the same draft (200); with a
//        different body it is refused (422), as payment APIs do.
//   GET  {base}/v1/drafts/{draftId}         -> 200 {draftId, status: 'DRAFT'|'PUBLISHED', result?}
//   POST {base}/v1/drafts/{draftId}/publish -> 200 result (the channel's Distribution Service fields, see partner-channels.ts)
//        -> 409 {error: 'ALREADY_PUBLISHED'} when the draft was published before.
//
// Publishing is never blind: publish() reads the draft first and returns the stored result when
// an earlier attempt (whose response may have been lost) already published it.
//
// Retries of transient failures within one attempt (see http.ts), decided per call:
//   GET  drafts/{id}         a read: always retried.
//   POST drafts              retried: it carries the Idempotency-Key, and a replay with the same
//                            key and body returns the same draft, so a create whose response was
//                            lost cannot leave a second draft.
//   POST drafts/{id}/publish not retried blindly (no idempotency key): when its answer was lost
//                            (dropped connection, timeout) or it was refused as throttled or
//                            unavailable (429/503), the draft is read again first, and only a
//                            draft still in DRAFT is published again; one that the lost call
//                            published returns its stored result. A publish racing another one
//                            gets 409 and reads the result. A plain 500 from publish (the partner
//                            processed and failed it) is left to the workflow's next attempt.
import { PermanentChannelError } from './errors.js';
import { lostOrRefused, requestChannel, withTransientRetries } from './http.js';
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

  const call = (
    method: ChannelHttpCall['method'],
    path: string,
    operation: string,
    signal: AbortSignal | undefined,
    options: Pick<ChannelHttpCall, 'headers' | 'body' | 'passStatuses' | 'retry' | 'onRetry'> = {},
  ) =>
    requestChannel({
      channel,
      method,
      operation,
      signal,
      url: `${base}${path}`,
      headers: { authorization: `Bearer ${endpoint.token}`, accept: 'application/json', ...options.headers },
      body: options.body,
      passStatuses: options.passStatuses,
      retry: options.retry,
      onRetry: options.onRetry,
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

  const toResult = (body: unknown): ChannelPublishResult => ({
    message: spec.successMessage,
    ...parse(spec.result, body, 'publish result'),
  });

  const readDraft = async (draftId: string, signal?: AbortSignal, onRetry?: () => void) =>
    parse(
      draftState,
      (await call('GET', `/v1/drafts/${encodeURIComponent(draftId)}`, 'read draft', signal, { onRetry })).body,
      'read draft',
    );

  return {
    channel,

    async prepare(input: PublishInput, signal?: AbortSignal): Promise<PreparedPublish> {
      const payload = { eventId: input.eventId, contentUrl: input.contentUrls[spec.contentUrlKey] ?? null, config: input.config };
      const res = await call('POST', '/v1/drafts', 'create draft', signal, {
        headers: { 'content-type': 'application/json', 'idempotency-key': input.idempotencyKey },
        body: JSON.stringify(payload),
        // Safe to repeat: the partner returns the same draft for the same Idempotency-Key and body.
        retry: true,
      });
      return { channel, remoteId: parse(draftCreated, res.body, 'create draft').draftId };
    },

    async publish(
      _input: PublishInput,
      prepared: PreparedPublish,
      onProgress: (percent: number) => void,
      signal?: AbortSignal,
    ): Promise<ChannelPublishResult> {
      // Heartbeats while an attempt waits to retry, so the activity is not taken for dead.
      const keepAlive = () => onProgress(0);
      // Each try reads the draft before publishing: a publish whose response was lost (its
      // connection dropped after it took effect) is found PUBLISHED and not published again.
      // Only a failed publish call goes round again; the read has its own retries (http.ts).
      let publishFailed = false;
      const res = await withTransientRetries(
        async () => {
          publishFailed = false;
          const before = await readDraft(prepared.remoteId, signal, keepAlive);
          if (before.status === 'PUBLISHED') return { published: before, response: undefined };
          publishFailed = true;
          const response = await call('POST', `/v1/drafts/${encodeURIComponent(prepared.remoteId)}/publish`, 'publish draft', signal, {
            passStatuses: [409],
            retry: false,
          });
          return { published: undefined, response };
        },
        { signal, onRetry: keepAlive, shouldRetry: (error) => publishFailed && lostOrRefused(error) },
      );
      if (res.published) return toResult(res.published.result);
      if (res.response.status === 409) {
        // Another attempt won the race between our check and our publish: its result is ours.
        const after = await readDraft(prepared.remoteId, signal, keepAlive);
        if (after.status === 'PUBLISHED') return toResult(after.result);
        throw new PermanentChannelError(channel, 'publish draft was refused as already published, but the draft is not published', 409);
      }
      onProgress(100);
      return toResult(res.response.body);
    },
  };
}
