import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PermanentChannelError, TransientChannelError } from '../../../activities/distribution/channels/errors.js';
import { CHANNEL_TYPES } from '../../../activities/distribution/channels/types.js';
import type { ChannelType } from '../../../activities/distribution/channels/types.js';
import { ignoreProgress, publishInput, startSandbox } from '../../channels/sandbox.js';
import type { Sandbox } from '../../channels/sandbox.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox.emulators.close();
});

const control = async (path: string, body?: unknown) => {
  const res = await fetch(
    `${sandbox.emulators.url}/_emulator${path}`,
    body === undefined
      ? {}
      : {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        },
  );
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

type StateSummary = Record<
  ChannelType,
  {
    drafts?: { idempotencyKey: string; status: string; publishRequests: number }[];
    containers?: { id: string; status: string; publishRequests: number; published: number }[];
  }
>;

describe('channel emulator server', () => {
  it('serves all six channels on one port: the registry publishes one event everywhere at once', async () => {
    const inputs = CHANNEL_TYPES.map((channel) => publishInput(channel, { caption: 'launch', radius: '1km' }));
    const results = await Promise.all(
      inputs.map(async (input) => {
        const adapter = sandbox.adapters[input.channel];
        expect(adapter.channel).toBe(input.channel);
        return adapter.publish(input, await adapter.prepare(input), ignoreProgress);
      }),
    );
    const byChannel = Object.fromEntries(CHANNEL_TYPES.map((channel, i) => [channel, results[i]]));
    expect(byChannel.WOORIDONGNE_TV).toMatchObject({ distributionId: expect.any(String), estimatedViews: 1_500 });
    expect(byChannel.RINGO_BIZ).toMatchObject({ updateTimestamp: expect.any(String) });
    expect(byChannel.GENIE_TV).toMatchObject({ adId: expect.any(String), impressionSchedule: expect.any(Array) });
    expect(byChannel.INSTAGRAM).toMatchObject({ postId: expect.any(String), postUrl: expect.any(String) });
    expect(byChannel.NAVER_BLOG).toMatchObject({ postUrl: expect.any(String) });
    expect(byChannel.KAKAO_CHANNEL).toMatchObject({ messageId: expect.any(String) });

    const { body } = await control('/state');
    const state = body as unknown as StateSummary;
    for (const input of inputs.filter((i) => i.channel !== 'INSTAGRAM')) {
      expect(state[input.channel].drafts).toContainEqual(
        expect.objectContaining({ idempotencyKey: input.idempotencyKey, status: 'PUBLISHED', publishRequests: 1 }),
      );
    }
    expect(state.INSTAGRAM.containers).toContainEqual(expect.objectContaining({ status: 'PUBLISHED', publishRequests: 1, published: 1 }));
  });

  it('POST /_emulator/faults fixes one channel at runtime while the others keep failing, and can restore the fault', async () => {
    const kakao = sandbox.adapters.KAKAO_CHANNEL;
    const naver = sandbox.adapters.NAVER_BLOG;
    const kakaoInput = publishInput('KAKAO_CHANNEL', { text: 'outage #fail' });
    const naverInput = publishInput('NAVER_BLOG', { text: 'outage #fail' });
    const kakaoDraft = await kakao.prepare(kakaoInput);
    const naverDraft = await naver.prepare(naverInput);
    for (let attempt = 1; attempt <= 3; attempt++) {
      await expect(kakao.publish(kakaoInput, kakaoDraft, ignoreProgress)).rejects.toBeInstanceOf(TransientChannelError);
    }

    expect(await control('/faults', { clear: true, channel: 'KAKAO_CHANNEL' })).toEqual({
      status: 200,
      body: { faultsCleared: true, channels: ['KAKAO_CHANNEL'] },
    });
    expect((await kakao.publish(kakaoInput, kakaoDraft, ignoreProgress)).messageId).toMatch(/^kakao-msg-/);
    await expect(naver.publish(naverInput, naverDraft, ignoreProgress)).rejects.toBeInstanceOf(TransientChannelError);

    await control('/faults', { clear: false });
    const again = publishInput('KAKAO_CHANNEL', { text: 'second outage #reject' });
    await expect(kakao.publish(again, await kakao.prepare(again), ignoreProgress)).rejects.toBeInstanceOf(PermanentChannelError);
  });

  it('rejects a malformed faults request with 400', async () => {
    expect((await control('/faults', { clear: true, channel: 'MYSPACE' })).status).toBe(400);
    expect((await control('/faults', { channel: 'INSTAGRAM' })).status).toBe(400);
  });

  it('POST /_emulator/reset forgets all drafts and containers', async () => {
    expect((await control('/reset', {})).body).toEqual({ reset: true });
    const state = (await control('/state')).body as unknown as StateSummary;
    expect(state.INSTAGRAM.containers).toEqual([]);
    expect(CHANNEL_TYPES.filter((c) => c !== 'INSTAGRAM').map((c) => state[c].drafts)).toEqual([[], [], [], [], []]);
  });
});
