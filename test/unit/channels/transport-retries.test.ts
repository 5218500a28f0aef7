// One publish attempt survives transient transport faults (throttling, 5xx, dropped connections)
// within the activity, never publishes twice, and still fails at once on a permanent 4xx. The
// faults come from the emulators' own fault injection (emulators/fault-handler.ts), scripted here
// to hit exactly the calls under test.
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ChannelCircuitBreakers } from '../../../activities/distribution/circuit-breaker.js';
import { PermanentChannelError, TransientChannelError } from '../../../activities/distribution/channels/errors.js';
import { parseRetryAfter } from '../../../activities/distribution/channels/http.js';
import { createDistributionActivities } from '../../../activities/distribution/publish-activities.js';
import type { FaultDecision, FaultInjector, FaultKind } from '../../../emulators/faults.js';
import { ignoreProgress, publishInput, startSandbox } from '../../channels/sandbox.js';
import type { Sandbox } from '../../channels/sandbox.js';

interface ScriptedFault {
  operation: RegExp;
  kind: FaultKind;
  tookEffect?: boolean;
  variant?: number;
  times?: number;
}

/** A FaultInjector that faults the next requests matching each queued entry, and records every API call. */
function scriptedFaults() {
  let queue: (ScriptedFault & { left: number })[] = [];
  const seen: string[] = [];
  const injected: string[] = [];
  const injector: FaultInjector = {
    plan: { rate: 1, services: ['channels'] },
    setRate() {},
    counts: () => ({}),
    total: () => ({ throttle: 0, 'server-error': 0, timeout: 0 }),
    decide(_service, operation): FaultDecision | undefined {
      seen.push(operation);
      const entry = queue.find((f) => f.left > 0 && f.operation.test(operation));
      if (!entry) return undefined;
      entry.left -= 1;
      injected.push(`${entry.kind}${entry.tookEffect ? ' (took effect)' : ''} ${operation}`);
      return { kind: entry.kind, variant: entry.variant ?? 0, tookEffect: entry.tookEffect ?? false, holdMs: 50 };
    },
  };
  return {
    injector,
    seen,
    injected,
    script(...faults: ScriptedFault[]) {
      queue = faults.map((f) => ({ ...f, left: f.times ?? 1 }));
    },
    reset() {
      queue = [];
      seen.length = 0;
      injected.length = 0;
    },
  };
}

const faults = scriptedFaults();
let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ faults: faults.injector });
});
afterAll(async () => {
  await sandbox.emulators.close();
});
beforeEach(() => faults.reset());

const READ_DRAFT = /^GET \/partners\/[^/]+\/v1\/drafts\/:draftId$/;
const CREATE_DRAFT = /^POST \/partners\/[^/]+\/v1\/drafts$/;
const PUBLISH_DRAFT = /^POST \/partners\/[^/]+\/v1\/drafts\/:draftId\/publish$/;
const IG_READ = /^GET \/instagram\/:objectId$/;
const IG_CREATE = /^POST \/instagram\/:igUserId\/media$/;
const IG_PUBLISH = /^POST \/instagram\/:igUserId\/media_publish$/;

const partners = () => sandbox.emulators.state.partners;
const ig = () => sandbox.emulators.state.instagram;
const count = (pattern: RegExp) => faults.seen.filter((op) => pattern.test(op)).length;

describe('partner adapter: transient faults within one attempt', () => {
  it('a throttled (429, Retry-After: 1) and then dropped read of the draft is retried and the attempt publishes', async () => {
    const adapter = sandbox.adapters.GENIE_TV;
    const input = publishInput('GENIE_TV');
    const prepared = await adapter.prepare(input);
    faults.script({ operation: READ_DRAFT, kind: 'throttle' }, { operation: READ_DRAFT, kind: 'timeout' });
    const started = Date.now();
    const result = await adapter.publish(input, prepared, ignoreProgress);
    expect(result.adId).toMatch(/^gtv-/);
    expect(faults.injected).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000); // honoured Retry-After
    expect(count(READ_DRAFT)).toBe(3);
    expect(partners().GENIE_TV.publishRequests(input.idempotencyKey)).toBe(1);
    expect(partners().GENIE_TV.publishCount(input.idempotencyKey)).toBe(1);
  });

  it('a create-draft whose connection dropped after it took effect is retried with its Idempotency-Key: one draft', async () => {
    const adapter = sandbox.adapters.NAVER_BLOG;
    const input = publishInput('NAVER_BLOG');
    faults.script({ operation: CREATE_DRAFT, kind: 'timeout', tookEffect: true });
    const prepared = await adapter.prepare(input);
    expect(faults.injected).toEqual([expect.stringMatching(/^timeout \(took effect\)/)]);
    expect(count(CREATE_DRAFT)).toBe(2);
    const drafts = [...partners().NAVER_BLOG.drafts.values()].filter((d) => d.idempotencyKey === input.idempotencyKey);
    expect(drafts.map((d) => d.draftId)).toEqual([prepared.remoteId]);
  });

  it('a publish whose connection dropped after it took effect is found published on re-read, not published twice', async () => {
    const adapter = sandbox.adapters.NAVER_BLOG;
    const input = publishInput('NAVER_BLOG');
    const prepared = await adapter.prepare(input);
    faults.script({ operation: PUBLISH_DRAFT, kind: 'timeout', tookEffect: true });
    const result = await adapter.publish(input, prepared, ignoreProgress);
    expect(result.postUrl).toBeDefined();
    expect(count(PUBLISH_DRAFT)).toBe(1);
    expect(partners().NAVER_BLOG.publishRequests(input.idempotencyKey)).toBe(1);
    expect(partners().NAVER_BLOG.publishCount(input.idempotencyKey)).toBe(1);
  });

  it('a throttled publish and one dropped before it took effect are published once, after re-reading the draft', async () => {
    const adapter = sandbox.adapters.KAKAO_CHANNEL;
    const input = publishInput('KAKAO_CHANNEL');
    const prepared = await adapter.prepare(input);
    faults.script(
      { operation: PUBLISH_DRAFT, kind: 'timeout', tookEffect: false },
      { operation: PUBLISH_DRAFT, kind: 'server-error', variant: 0.9 /* 503 with Retry-After */ },
    );
    const result = await adapter.publish(input, prepared, ignoreProgress);
    expect(result.messageId).toMatch(/^kakao-msg-/);
    expect(count(PUBLISH_DRAFT)).toBe(3);
    expect(count(READ_DRAFT)).toBe(3);
    expect(partners().KAKAO_CHANNEL.publishRequests(input.idempotencyKey)).toBe(1);
    expect(partners().KAKAO_CHANNEL.publishCount(input.idempotencyKey)).toBe(1);
  });

  it('a fault that persists through every try still fails the attempt, transiently', async () => {
    const adapter = sandbox.adapters.RINGO_BIZ;
    const input = publishInput('RINGO_BIZ');
    const prepared = await adapter.prepare(input);
    faults.script({ operation: READ_DRAFT, kind: 'server-error', variant: 0.1 /* 500 */, times: 3 });
    const error = await adapter.publish(input, prepared, ignoreProgress).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientChannelError);
    expect(error).toMatchObject({ status: 500 });
    expect(count(READ_DRAFT)).toBe(3);
    expect(partners().RINGO_BIZ.publishRequests(input.idempotencyKey)).toBe(0);
  });

  it('a permanent 4xx is not retried', async () => {
    const adapter = sandbox.adapters.KAKAO_CHANNEL;
    const input = publishInput('KAKAO_CHANNEL', { text: 'not allowed #reject' });
    const prepared = await adapter.prepare(input);
    const error = await adapter.publish(input, prepared, ignoreProgress).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentChannelError);
    expect(error).toMatchObject({ status: 400, remoteCode: 'VALIDATION_FAILED' });
    expect(count(PUBLISH_DRAFT)).toBe(1);

    const missing = await adapter
      .publish(input, { channel: 'KAKAO_CHANNEL', remoteId: 'no-such-draft' }, ignoreProgress)
      .catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(PermanentChannelError);
    expect(missing).toMatchObject({ status: 404 });
    expect(count(READ_DRAFT)).toBe(2);
  });
});

describe('Instagram adapter: transient faults within one attempt', () => {
  it('a throttled container status read (Graph #4) and a dropped permalink read are retried and the attempt publishes', async () => {
    const adapter = sandbox.adapters.INSTAGRAM;
    const input = publishInput('INSTAGRAM', { caption: 'retry me' });
    const prepared = await adapter.prepare(input);
    faults.script({ operation: IG_READ, kind: 'throttle' });
    const result = await adapter.publish(input, prepared, ignoreProgress);
    expect(result.postId).toBeDefined();
    expect(result.postUrl).toBeDefined();
    expect(faults.injected).toEqual([expect.stringMatching(/^throttle GET \/instagram\/:objectId$/)]);
    expect(ig().publishCount(prepared.remoteId)).toBe(1);

    const input2 = publishInput('INSTAGRAM', { caption: 'dropped permalink' });
    const prepared2 = await adapter.prepare(input2);
    // The status read(s) come first; drop the read right after media_publish (the permalink).
    let published = false;
    const injector = faults.injector;
    const original = injector.decide.bind(injector);
    injector.decide = (service, operation) => {
      if (IG_PUBLISH.test(operation)) published = true;
      else if (published && IG_READ.test(operation)) {
        published = false;
        faults.seen.push(operation);
        return { kind: 'timeout', variant: 0, tookEffect: false, holdMs: 50 };
      }
      return original(service, operation);
    };
    try {
      const result2 = await adapter.publish(input2, prepared2, ignoreProgress);
      expect(result2.postUrl).toBeDefined();
    } finally {
      injector.decide = original;
    }
    expect(ig().publishRequests(prepared2.remoteId)).toBe(1);
    expect(ig().publishCount(prepared2.remoteId)).toBe(1);
  });

  it('a media_publish whose connection dropped after it took effect is found PUBLISHED, not published twice', async () => {
    const adapter = sandbox.adapters.INSTAGRAM;
    const input = publishInput('INSTAGRAM', { caption: 'lost answer' });
    const prepared = await adapter.prepare(input);
    faults.script({ operation: IG_PUBLISH, kind: 'timeout', tookEffect: true });
    const result = await adapter.publish(input, prepared, ignoreProgress);
    expect(result.postId).toBeDefined();
    expect(count(IG_PUBLISH)).toBe(1);
    expect(ig().publishRequests(prepared.remoteId)).toBe(1);
    expect(ig().publishCount(prepared.remoteId)).toBe(1);
  });

  it('a throttled container create is retried, but one whose answer was lost is not repeated (no idempotency key)', async () => {
    const adapter = sandbox.adapters.INSTAGRAM;
    faults.script({ operation: IG_CREATE, kind: 'throttle' });
    const before = ig().containers.size;
    const prepared = await adapter.prepare(publishInput('INSTAGRAM', { caption: 'throttled create' }));
    expect(prepared.remoteId).toBeDefined();
    expect(count(IG_CREATE)).toBe(2);
    expect(ig().containers.size).toBe(before + 1);

    faults.reset();
    faults.script({ operation: IG_CREATE, kind: 'timeout', tookEffect: true });
    const error = await adapter.prepare(publishInput('INSTAGRAM', { caption: 'lost create' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientChannelError);
    expect(count(IG_CREATE)).toBe(1);
    expect(ig().containers.size).toBe(before + 2);
  });

  it('a #reject publish (Graph #100) stays permanent and is sent once', async () => {
    const adapter = sandbox.adapters.INSTAGRAM;
    const input = publishInput('INSTAGRAM', { caption: 'bad content #reject' });
    const prepared = await adapter.prepare(input);
    const error = await adapter.publish(input, prepared, ignoreProgress).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentChannelError);
    expect(error).toMatchObject({ status: 400, remoteCode: 100 });
    expect(ig().publishRequests(prepared.remoteId)).toBe(1);
  });
});

describe('circuit breaker', () => {
  const request = (channel: 'GENIE_TV', config: Record<string, unknown> = {}) => {
    const input = publishInput(channel, config);
    return { eventId: input.eventId, channel, config, contentUrls: input.contentUrls, idempotencyKey: input.idempotencyKey };
  };

  it('a fault absorbed by the in-activity retry does not count toward opening it; an attempt that still failed does', async () => {
    const breakers = new ChannelCircuitBreakers({ failureThreshold: 1, openMs: 30_000 });
    const activities = createDistributionActivities({ adapters: sandbox.adapters, breakers });
    const env = new MockActivityEnvironment();

    const ok = request('GENIE_TV');
    faults.script({ operation: CREATE_DRAFT, kind: 'server-error' }, { operation: READ_DRAFT, kind: 'timeout' });
    const { remoteId } = (await env.run(activities.prepareChannelPublish, ok)) as { remoteId: string };
    await env.run(activities.publishChannel, ok, remoteId);
    expect(faults.injected).toHaveLength(2);
    expect(breakers.state('GENIE_TV')).toBe('CLOSED');

    faults.reset();
    faults.script({ operation: READ_DRAFT, kind: 'server-error', times: 3 });
    const failing = request('GENIE_TV');
    const prepared = (await env.run(activities.prepareChannelPublish, failing)) as { remoteId: string };
    await expect(env.run(activities.publishChannel, failing, prepared.remoteId)).rejects.toMatchObject({ type: 'TransientChannelError' });
    expect(breakers.state('GENIE_TV')).toBe('OPEN');
  });
});

describe('Retry-After', () => {
  it('reads delay-seconds and HTTP dates', () => {
    expect(parseRetryAfter('1')).toBe(1_000);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:02 GMT', now)).toBe(2_000);
  });
});
