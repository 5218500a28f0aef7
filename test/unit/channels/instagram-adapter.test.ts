import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PermanentChannelError, TransientChannelError } from '../../../activities/distribution/channels/errors.js';
import { createInstagramAdapter } from '../../../activities/distribution/channels/instagram.js';
import type { ChannelAdapter, PreparedPublish, PublishInput } from '../../../activities/distribution/channels/types.js';
import { FAST, TOKENS, ignoreProgress, publishInput, startSandbox } from '../../channels/sandbox.js';
import type { Sandbox } from '../../channels/sandbox.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ instagram: { quotaTotal: 50 } });
});
afterAll(async () => {
  await sandbox.emulators.close();
});

const ig = () => sandbox.emulators.state.instagram;
const adapter = (): ChannelAdapter => sandbox.adapters.INSTAGRAM;

async function prepared(config: Record<string, unknown>): Promise<{ input: PublishInput; prepared: PreparedPublish }> {
  const input = publishInput('INSTAGRAM', config);
  return { input, prepared: await adapter().prepare(input) };
}

describe('Instagram content publishing', () => {
  it('publishes a container and returns the media id and its permalink', async () => {
    const { input, prepared: p } = await prepared({ caption: '가을 할인 이벤트', hashtags: ['이벤트', '#할인'] });
    const result = await adapter().publish(input, p, ignoreProgress);

    const media = [...ig().media.values()].find((m) => m.containerId === p.remoteId);
    expect(result).toEqual({
      message: '게시 완료',
      postId: media?.id,
      postUrl: `${sandbox.emulators.url}/instagram/p/${media?.shortcode}/`,
    });
    expect(media?.caption).toBe('가을 할인 이벤트\n\n#이벤트 #할인');
    expect(media?.imageUrl).toBe(input.contentUrls.instagram);
    const page = (await (await fetch(result.postUrl!)).json()) as { id: string };
    expect(page.id).toBe(result.postId);
  });

  it('reports progress while the container is IN_PROGRESS, then 100', async () => {
    const { input, prepared: p } = await prepared({ caption: 'slow video #processing-150' });
    const progress: number[] = [];
    const result = await adapter().publish(input, p, (percent) => progress.push(percent));

    expect(result.postId).toBeDefined();
    expect(progress.length).toBeGreaterThanOrEqual(3);
    const waiting = progress.slice(0, -1);
    expect(waiting.every((percent) => percent >= 10 && percent < 90)).toBe(true);
    expect(waiting).toEqual([...waiting].sort((a, b) => a - b));
    expect(progress.at(-1)).toBe(100);
  });

  it('publishing again after success returns the same post without a second media_publish', async () => {
    const { input, prepared: p } = await prepared({ caption: 'once only' });
    const first = await adapter().publish(input, p, ignoreProgress);
    const second = await adapter().publish(input, p, ignoreProgress);
    expect(second).toEqual(first);
    expect(ig().publishRequests(p.remoteId)).toBe(1);
    expect(ig().publishCount(p.remoteId)).toBe(1);
  });

  it('against Graph without the emulator media_id extension, a published container is reported without a post id', async () => {
    const strict = await startSandbox({ instagram: { mediaIdExtension: false } });
    try {
      const input = publishInput('INSTAGRAM', { caption: 'strict graph' });
      const p = await strict.adapters.INSTAGRAM.prepare(input);
      const first = await strict.adapters.INSTAGRAM.publish(input, p, ignoreProgress);
      const again = await strict.adapters.INSTAGRAM.publish(input, p, ignoreProgress);
      expect(first.postId).toBeDefined();
      expect(again.postId).toBeUndefined();
      expect(again.message).toMatch(/already published/);
      expect(strict.emulators.state.instagram.publishRequests(p.remoteId)).toBe(1);
    } finally {
      await strict.emulators.close();
    }
  });
});

describe('Instagram failures', () => {
  it('#fail is transient until the fault is cleared, then the same container publishes once', async () => {
    const { input, prepared: p } = await prepared({ caption: 'broken #fail' });
    for (let attempt = 1; attempt <= 3; attempt++) {
      const error = await adapter()
        .publish(input, p, ignoreProgress)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TransientChannelError);
      expect(error).toMatchObject({ channel: 'INSTAGRAM', status: 500, remoteCode: 2 });
    }
    ig().faults.clear();
    try {
      expect((await adapter().publish(input, p, ignoreProgress)).postId).toBeDefined();
    } finally {
      ig().faults.restore();
    }
    expect(ig().publishRequests(p.remoteId)).toBe(4);
    expect(ig().publishCount(p.remoteId)).toBe(1);
  });

  it('#fail-once in a hashtag fails the first publish only', async () => {
    const { input, prepared: p } = await prepared({ caption: 'flaky', hashtags: ['fail-once'] });
    await expect(adapter().publish(input, p, ignoreProgress)).rejects.toBeInstanceOf(TransientChannelError);
    expect((await adapter().publish(input, p, ignoreProgress)).postId).toBeDefined();
  });

  it('#reject is permanent', async () => {
    const { input, prepared: p } = await prepared({ caption: 'bad content #reject' });
    const error = await adapter()
      .publish(input, p, ignoreProgress)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentChannelError);
    expect(error).toMatchObject({ status: 400, remoteCode: 100 });
    expect(ig().publishCount(p.remoteId)).toBe(0);
  });

  it.each([
    ['#container-error', 'ERROR'],
    ['#container-expired', 'EXPIRED'],
  ])('a container ending %s is permanent', async (value, status) => {
    const { input, prepared: p } = await prepared({ caption: `upload ${value}` });
    const error = await adapter()
      .publish(input, p, ignoreProgress)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentChannelError);
    expect((error as Error).message).toContain(`is ${status}`);
    expect(ig().publishRequests(p.remoteId)).toBe(0);
  });

  it('an exhausted 24-hour quota is permanent and nothing is published', async () => {
    const limited = await startSandbox({ instagram: { quotaTotal: 3 } });
    try {
      limited.emulators.state.instagram.consumeQuota(3);
      const input = publishInput('INSTAGRAM', { caption: 'one too many' });
      const p = await limited.adapters.INSTAGRAM.prepare(input);
      const error = await limited.adapters.INSTAGRAM.publish(input, p, ignoreProgress).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PermanentChannelError);
      expect((error as Error).message).toMatch(/quota exhausted: 3 of 3/);
      expect(limited.emulators.state.instagram.publishRequests(p.remoteId)).toBe(0);
    } finally {
      await limited.emulators.close();
    }
  });

  it('a container still IN_PROGRESS at the poll timeout is transient', async () => {
    const impatient = createInstagramAdapter({
      ...sandboxInstagram(),
      pollIntervalMs: 10,
      pollTimeoutMs: 50,
      requestTimeoutMs: FAST.requestTimeoutMs,
    });
    const input = publishInput('INSTAGRAM', { caption: 'huge video #processing-2000' });
    const p = await impatient.prepare(input);
    const error = await impatient.publish(input, p, ignoreProgress).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientChannelError);
    expect((error as Error).message).toMatch(/still IN_PROGRESS/);
  });

  it('a wrong access token is permanent and never appears in the error, on POST or GET', async () => {
    const wrongToken = 'EAAB-wrong-token-123456789';
    const wrong = createInstagramAdapter({ ...sandboxInstagram(), accessToken: wrongToken, ...FAST });
    const onPrepare = await wrong.prepare(publishInput('INSTAGRAM', { caption: 'x' })).catch((e: unknown) => e);
    const { input, prepared: p } = await prepared({ caption: 'made with the right token' });
    const onPublish = await wrong.publish(input, p, ignoreProgress).catch((e: unknown) => e);
    for (const error of [onPrepare, onPublish]) {
      expect(error).toBeInstanceOf(PermanentChannelError);
      expect(error).toMatchObject({ status: 401, remoteCode: 190 });
      expect((error as Error).message).not.toContain(wrongToken);
      expect(JSON.stringify(error)).not.toContain(wrongToken);
    }
  });

  it('refuses before any remote call when there is no image or too many hashtags', async () => {
    const containersBefore = ig().containers.size;
    const noImage = { ...publishInput('INSTAGRAM', { caption: 'x' }), contentUrls: {} };
    await expect(adapter().prepare(noImage)).rejects.toThrow(/contentUrls.instagram is missing/);
    const tags = Array.from({ length: 31 }, (_, i) => `tag${i}`);
    await expect(adapter().prepare(publishInput('INSTAGRAM', { hashtags: tags }))).rejects.toThrow(/31 hashtags/);
    expect(ig().containers.size).toBe(containersBefore);
  });
});

function sandboxInstagram() {
  return { graphBaseUrl: `${sandbox.emulators.url}/instagram`, igUserId: ig().igUserId, accessToken: TOKENS.instagram };
}
