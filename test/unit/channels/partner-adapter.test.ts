import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PermanentChannelError, TransientChannelError } from '../../../activities/distribution/channels/errors.js';
import { createPartnerAdapter } from '../../../activities/distribution/channels/partner.js';
import type { ChannelPublishResult, PartnerChannelType } from '../../../activities/distribution/channels/types.js';
import { PARTNER_PATHS } from '../../../emulators/channels/server.js';
import { TOKENS, ignoreProgress, publishInput, startSandbox } from '../../channels/sandbox.js';
import type { Sandbox } from '../../channels/sandbox.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox.emulators.close();
});

const partnerState = (channel: PartnerChannelType) => sandbox.emulators.state.partners[channel];

async function publishOnce(channel: PartnerChannelType, config: Record<string, unknown> = {}) {
  const adapter = sandbox.adapters[channel];
  const input = publishInput(channel, config);
  const prepared = await adapter.prepare(input);
  return { input, prepared, result: await adapter.publish(input, prepared, ignoreProgress) };
}

describe('partner channels publish their seed fields', () => {
  it('WOORIDONGNE_TV returns a distribution id and views estimated from radius and time slots', async () => {
    const { result } = await publishOnce('WOORIDONGNE_TV', { radius: '2km', timeSlots: ['weekday_evening', 'weekend_lunch'] });
    expect(result).toEqual({ message: '배포 완료', distributionId: expect.stringMatching(/^wtv-/), estimatedViews: 6_000 });
  });

  it('RINGO_BIZ returns the time the ringback tone was updated', async () => {
    const before = Date.now();
    const { result } = await publishOnce('RINGO_BIZ');
    expect(Object.keys(result).sort()).toEqual(['message', 'updateTimestamp']);
    expect(Date.parse(result.updateTimestamp!)).toBeGreaterThanOrEqual(before - 1_000);
  });

  it('GENIE_TV returns an ad id and one impression window per requested slot from the scheduled day', async () => {
    const { result } = await publishOnce('GENIE_TV', {
      scheduledTime: '2025-11-01T10:00:00Z',
      timeSlots: ['weekday_evening', 'weekend_lunch'],
    });
    expect(result).toEqual({
      message: '배포 완료',
      adId: expect.stringMatching(/^gtv-/),
      distributionId: expect.stringMatching(/^gtv-dist-/),
      impressionSchedule: ['2025-11-01 18:00-20:00', '2025-11-02 12:00-14:00'],
      estimatedViews: 1_600,
    });
  });

  it('NAVER_BLOG returns a post URL that serves the published post', async () => {
    const { input, result } = await publishOnce('NAVER_BLOG', { title: '가을 할인 이벤트' });
    expect(result.postUrl).toMatch(new RegExp(`^${sandbox.emulators.url}/partners/naver-blog/posts/${result.postId}$`));
    const page = (await (await fetch(result.postUrl!)).json()) as { eventId: string; contentUrl: string };
    expect(page).toMatchObject({ eventId: input.eventId, contentUrl: input.contentUrls.naverBlog });
  });

  it('KAKAO_CHANNEL returns a message id', async () => {
    const { result } = await publishOnce('KAKAO_CHANNEL');
    expect(result).toEqual({ message: '발송 완료', messageId: expect.stringMatching(/^kakao-msg-/) });
  });

  it('sends each channel its own content URL and accepts a channel without one (seed example: WooriDongne TV)', async () => {
    const { prepared } = await publishOnce('KAKAO_CHANNEL');
    expect(partnerState('KAKAO_CHANNEL').drafts.get(prepared.remoteId)?.contentUrl).toBe('https://cdn.example.com/images/event-kakao.jpg');
    const adapter = sandbox.adapters.WOORIDONGNE_TV;
    const input = { ...publishInput('WOORIDONGNE_TV'), contentUrls: {} };
    const noContent = await adapter.prepare(input);
    expect((await adapter.publish(input, noContent, ignoreProgress)).distributionId).toMatch(/^wtv-/);
    expect(partnerState('WOORIDONGNE_TV').drafts.get(noContent.remoteId)?.contentUrl).toBeNull();
  });
});

describe('partner idempotency', () => {
  it('a repeated prepare with the same idempotency key returns the same draft', async () => {
    const adapter = sandbox.adapters.NAVER_BLOG;
    const input = publishInput('NAVER_BLOG', { title: 'retry me' });
    const first = await adapter.prepare(input);
    const second = await adapter.prepare(input);
    const other = await adapter.prepare(publishInput('NAVER_BLOG', { title: 'retry me' }));
    expect(second.remoteId).toBe(first.remoteId);
    expect(other.remoteId).not.toBe(first.remoteId);
    expect(partnerState('NAVER_BLOG').draftForKey(input.idempotencyKey)?.draftId).toBe(first.remoteId);
  });

  it('an idempotency key reused for a different body is refused permanently', async () => {
    const adapter = sandbox.adapters.KAKAO_CHANNEL;
    const input = publishInput('KAKAO_CHANNEL', { text: 'first' });
    await adapter.prepare(input);
    const error = await adapter.prepare({ ...input, config: { text: 'second' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentChannelError);
    expect(error).toMatchObject({ status: 422, remoteCode: 'IDEMPOTENCY_KEY_REUSED' });
  });

  it('publishing again after success returns the stored result without a second publish', async () => {
    const { input, prepared, result } = await publishOnce('GENIE_TV');
    const again = await sandbox.adapters.GENIE_TV.publish(input, prepared, ignoreProgress);
    expect(again).toEqual(result);
    expect(partnerState('GENIE_TV').publishCount(input.idempotencyKey)).toBe(1);
    expect(partnerState('GENIE_TV').publishRequests(input.idempotencyKey)).toBe(1);
  });

  it('a publish whose response was lost (client timeout) is found published on retry, not published twice', async () => {
    const slow = createPartnerAdapter(
      'RINGO_BIZ',
      {
        baseUrl: `${sandbox.emulators.url}/partners/${PARTNER_PATHS.RINGO_BIZ}`,
        token: TOKENS.partners,
      },
      100,
    );
    // The publish takes 150 ms, the client gives up after 100 ms; the attempt's own retry reads
    // the draft again (after a backoff of at least 187 ms) and finds the lost publish's result.
    const input = publishInput('RINGO_BIZ', { latencyMs: 150 });
    const prepared = await slow.prepare(input);
    const result = await slow.publish(input, prepared, ignoreProgress);
    expect(result.updateTimestamp).toBeDefined();
    expect(partnerState('RINGO_BIZ').publishRequests(input.idempotencyKey)).toBe(1);
    expect(partnerState('RINGO_BIZ').publishCount(input.idempotencyKey)).toBe(1);

    const again = await slow.publish(input, prepared, ignoreProgress);
    expect(again.updateTimestamp).toBe(result.updateTimestamp);
    expect(partnerState('RINGO_BIZ').publishRequests(input.idempotencyKey)).toBe(1);
  });

  it('two concurrent publishes of one draft publish once and both report the same result', async () => {
    const adapter = sandbox.adapters.KAKAO_CHANNEL;
    const input = publishInput('KAKAO_CHANNEL', { latencyMs: 50 });
    const prepared = await adapter.prepare(input);
    const [a, b] = await Promise.all([adapter.publish(input, prepared, ignoreProgress), adapter.publish(input, prepared, ignoreProgress)]);
    expect(a.messageId).toBe(b.messageId);
    expect(partnerState('KAKAO_CHANNEL').publishCount(input.idempotencyKey)).toBe(1);
    expect(partnerState('KAKAO_CHANNEL').publishRequests(input.idempotencyKey)).toBe(2);
  });
});

describe('partner failures', () => {
  it('#fail is transient on every attempt until the fault is cleared, then one retry publishes', async () => {
    const adapter = sandbox.adapters.WOORIDONGNE_TV;
    const input = publishInput('WOORIDONGNE_TV', { note: 'sandbox #fail' });
    const prepared = await adapter.prepare(input);
    for (let attempt = 1; attempt <= 3; attempt++) {
      const error = await adapter.publish(input, prepared, ignoreProgress).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TransientChannelError);
      expect(error).toMatchObject({ channel: 'WOORIDONGNE_TV', status: 500 });
    }
    partnerState('WOORIDONGNE_TV').faults.clear();
    try {
      const result: ChannelPublishResult = await adapter.publish(input, prepared, ignoreProgress);
      expect(result.distributionId).toMatch(/^wtv-/);
      expect(partnerState('WOORIDONGNE_TV').publishRequests(input.idempotencyKey)).toBe(4);
      expect(partnerState('WOORIDONGNE_TV').publishCount(input.idempotencyKey)).toBe(1);
    } finally {
      partnerState('WOORIDONGNE_TV').faults.restore();
    }
  });

  it('#fail-once fails only the first publish of that draft', async () => {
    const adapter = sandbox.adapters.NAVER_BLOG;
    const input = publishInput('NAVER_BLOG', { body: 'flaky #fail-once' });
    const prepared = await adapter.prepare(input);
    await expect(adapter.publish(input, prepared, ignoreProgress)).rejects.toBeInstanceOf(TransientChannelError);
    expect((await adapter.publish(input, prepared, ignoreProgress)).postUrl).toBeDefined();
    expect(partnerState('NAVER_BLOG').publishRequests(input.idempotencyKey)).toBe(2);
  });

  it('#reject is permanent', async () => {
    const adapter = sandbox.adapters.KAKAO_CHANNEL;
    const input = publishInput('KAKAO_CHANNEL', { text: 'not allowed #reject' });
    const prepared = await adapter.prepare(input);
    const error = await adapter.publish(input, prepared, ignoreProgress).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentChannelError);
    expect(error).toMatchObject({ status: 400, remoteCode: 'VALIDATION_FAILED' });
    expect(partnerState('KAKAO_CHANNEL').publishCount(input.idempotencyKey)).toBe(0);
  });

  it('a wrong token is permanent and the error message does not contain it', async () => {
    const wrongToken = 'wrong-partner-token-7a7a7a';
    const adapter = createPartnerAdapter(
      'GENIE_TV',
      {
        baseUrl: `${sandbox.emulators.url}/partners/${PARTNER_PATHS.GENIE_TV}`,
        token: wrongToken,
      },
      2_000,
    );
    const error = await adapter.prepare(publishInput('GENIE_TV')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentChannelError);
    expect(error).toMatchObject({ status: 401, remoteCode: 'UNAUTHORIZED' });
    expect(String((error as Error).message)).not.toContain(wrongToken);
    expect(JSON.stringify(error)).not.toContain(wrongToken);
  });

  it('an unreachable partner is transient', async () => {
    const port = await closedPort();
    const adapter = createPartnerAdapter('KAKAO_CHANNEL', { baseUrl: `http://127.0.0.1:${port}`, token: TOKENS.partners }, 2_000);
    const error = await adapter.prepare(publishInput('KAKAO_CHANNEL')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientChannelError);
    expect((error as Error).message).toMatch(/create draft failed: fetch failed: ECONNREFUSED/);
  });

  it('cancellation by the caller surfaces its own reason, not a channel error', async () => {
    const adapter = sandbox.adapters.RINGO_BIZ;
    const input = publishInput('RINGO_BIZ', { latencyMs: 500 });
    const prepared = await adapter.prepare(input);
    const controller = new AbortController();
    const reason = new Error('activity cancelled');
    setTimeout(() => controller.abort(reason), 30);
    await expect(adapter.publish(input, prepared, ignoreProgress, controller.signal)).rejects.toBe(reason);
  });
});

/** A port that was free a moment ago and has nothing listening on it now. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
