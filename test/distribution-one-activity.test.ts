// A partner channel's attempt is one activity (prepare by its idempotency key, then publish), and a
// settled distribution whose window has passed closes without a timer. Real Temporal, the real
// worker, the real channel emulators: what the workflow did is read from its history, what the
// channels did from the emulators' state.
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import type { DistributionInput, DistributionSnapshot } from '../domain/distribution.js';
import { retryChannelsUpdate } from '../workflows/distribution/messages.js';
import { distributionWorkflow } from '../workflows/distribution/workflow.js';
import { CONTENT_URLS } from './channels/sandbox.js';
import { sandboxSuite } from './support/sandbox-suite.js';

describe('one activity per partner attempt', () => {
  const suite = sandboxSuite('dist-one-activity');
  const emulators = () => suite.worker.sandbox.channels.state;

  const start = (eventId: string, channels: DistributionInput['channels'], retryWindowMs: number) =>
    suite.client.workflow.start(distributionWorkflow, {
      workflowId: `dist-${eventId}`,
      taskQueue: suite.taskQueue,
      args: [{ eventId, channels, contentUrls: CONTENT_URLS, retryWindowMs, retryBackoffMs: 100, requestedBy: 'test' }],
    });

  /** Each scheduled activity's id, type and input (the channel request, then the draft id when given). */
  async function scheduled(handle: WorkflowHandle) {
    const { events } = await handle.fetchHistory();
    const decode = (data?: Uint8Array | null) => (data && data.length > 0 ? JSON.parse(Buffer.from(data).toString()) : undefined);
    return {
      activities: events!
        .map((e) => e.activityTaskScheduledEventAttributes)
        .filter((a) => !!a)
        .map((a) => ({ id: a.activityId!, type: a.activityType!.name!, args: (a.input?.payloads ?? []).map((p) => decode(p.data)) })),
      timers: events!.filter((e) => e.timerStartedEventAttributes).length,
    };
  }

  it('publishes each partner channel in one activity per attempt, reuses the draft a failed attempt named, and closes with no window timer', async () => {
    const eventId = `evt-${randomUUID().slice(0, 8)}`;
    const handle = await start(
      eventId,
      [
        { type: 'KAKAO_CHANNEL', config: { text: 'flaky #fail-once' } },
        { type: 'NAVER_BLOG', config: { title: 'steady' } },
        { type: 'INSTAGRAM', config: { caption: 'steady' } },
      ],
      1,
    );
    const result = await handle.result();
    expect(result.overallStatus).toBe('COMPLETED');

    const { activities, timers } = await scheduled(handle);
    const of = (channel: string) => activities.filter((a) => a.id.startsWith(`${channel}/`)).map((a) => a.type);
    expect(of('NAVER_BLOG')).toEqual(['publishChannelAttempt']);
    expect(of('KAKAO_CHANNEL')).toEqual(['publishChannelAttempt', 'publishChannelAttempt']);
    // Graph has no idempotency key: Instagram's container id is still recorded before publishing.
    expect(of('INSTAGRAM')).toEqual(['prepareChannelPublish', 'publishChannel']);
    // The only timer is KAKAO_CHANNEL's backoff: the 1 ms window had passed when the webhook answered.
    expect(timers).toBe(1);

    const kakao = emulators().partners.KAKAO_CHANNEL;
    const draft = kakao.draftForKey(`dist-${eventId}/KAKAO_CHANNEL`)!;
    const [first, second] = activities.filter((a) => a.id.startsWith('KAKAO_CHANNEL/'));
    expect(first!.args[1]).toBeUndefined();
    expect(second!.args[1]).toBe(draft.draftId); // named by the first attempt's failure, not prepared again
    expect([...kakao.drafts.values()].filter((d) => d.eventId === eventId)).toHaveLength(1);
    expect(kakao.publishCount(draft.idempotencyKey)).toBe(1);
    expect(kakao.publishRequests(draft.idempotencyKey)).toBe(2);
    expect(result.channels.find((c) => c.channel === 'KAKAO_CHANNEL')).toMatchObject({
      status: 'COMPLETED',
      retries: 1,
      preparedRemoteId: draft.draftId,
    });
    expect(emulators().partners.NAVER_BLOG.publishCount(`dist-${eventId}/NAVER_BLOG`)).toBe(1);
  });

  it('asks for a new draft after a permanent publish failure, and publishes the retry once', async () => {
    const eventId = `evt-${randomUUID().slice(0, 8)}`;
    const handle = await start(eventId, [{ type: 'KAKAO_CHANNEL', config: { text: 'not allowed #reject' } }], 60_000);
    const key = `dist-${eventId}/KAKAO_CHANNEL`;
    const kakao = emulators().partners.KAKAO_CHANNEL;
    let snapshot: DistributionSnapshot;
    for (const deadline = Date.now() + 20_000; ; await new Promise((r) => setTimeout(r, 100))) {
      snapshot = await handle.query<DistributionSnapshot>('distributionSnapshot');
      if (snapshot.overallStatus === 'FAILED' || Date.now() > deadline) break;
    }
    // Permanent: one attempt; the rejected draft is given up, the next generation asks for another.
    expect(snapshot.channels[0]).toMatchObject({ status: 'FAILED', retries: 1, draftGeneration: 1 });
    expect(snapshot.channels[0]!.preparedRemoteId).toBeUndefined();
    expect(kakao.publishRequests(key)).toBe(1);

    emulators().clearFaults('KAKAO_CHANNEL');
    try {
      const outcome = await handle.executeUpdate(retryChannelsUpdate, { args: [{ channels: ['KAKAO_CHANNEL'], requestedBy: 'test' }] });
      expect(outcome.retryStatus).toBe('COMPLETED');
    } finally {
      emulators().restoreFaults('KAKAO_CHANNEL');
    }
    const fresh = kakao.draftForKey(`${key}/1`)!;
    expect(fresh.draftId).not.toBe(kakao.draftForKey(key)!.draftId);
    expect(kakao.publishCount(`${key}/1`)).toBe(1);
    expect(kakao.publishCount(key)).toBe(0);
    const { activities } = await scheduled(handle);
    expect(activities.filter((a) => a.type !== 'notifyDistributionWebhook').map((a) => a.type)).toEqual([
      'publishChannelAttempt',
      'publishChannelAttempt',
    ]);
    await handle.terminate('test over');
  });
});
