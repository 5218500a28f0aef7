// Channel distribution end to end: HTTP API → Temporal → worker → channel adapters → sandbox
// channel emulators (real HTTP), on a real Temporal server.
import { randomUUID } from 'node:crypto';
import { Worker } from '@temporalio/worker';
import { describe, expect, inject, it } from 'vitest';
import { CHANNEL_TYPES } from '../domain/channels.js';
import { distributionWorkflowId } from '../workflows/distribution/types.js';
import { CONTENT_URLS } from './channels/sandbox.js';
import { authHeader } from './support/api.js';
import { json, type Json } from './support/http.js';
import { sandboxSuite } from './support/sandbox-suite.js';
import { seedSchemaErrors } from './seed/distribution-schemas.js';

describe('channel distribution', () => {
  const suite = sandboxSuite('dist', {
    app: () => ({ distribution: { retryWindowMs: 10 * 60_000, retryBackoffMs: 200, syncWaitMs: 8000 } }),
  });

  const newEventId = () => `evt-${randomUUID().slice(0, 8)}`;
  const request = (path: string, init: RequestInit & { role?: 'viewer' | 'deployer' } = {}) =>
    suite.app.request(path, {
      ...init,
      headers: { 'content-type': 'application/json', ...authHeader(init.role ?? 'deployer'), ...(init.headers as Record<string, string>) },
    });
  const distribute = (body: unknown) => request('/api/distribution/distribute', { method: 'POST', body: JSON.stringify(body) });
  const status = async (eventId: string) => json(await request(`/api/distribution/${eventId}/status`, { role: 'viewer' }));
  const emulators = () => suite.worker.sandbox.channels.state;

  it("publishes to all six channels in parallel with the seed's per-channel fields", async () => {
    const eventId = newEventId();
    const res = await distribute({
      eventId,
      channels: CHANNEL_TYPES.map((type) => ({
        type,
        config: { latencyMs: 1000, caption: '이벤트 안내 #processing-1000', hashtags: ['이벤트'] },
      })),
      contentUrls: CONTENT_URLS,
    });
    expect(res.status).toBe(200);
    const body: Json = await json(res);
    expect(seedSchemaErrors('DistributionResponse', body)).toEqual([]);
    expect(body).toMatchObject({ distributionId: distributionWorkflowId(eventId), eventId, status: 'COMPLETED' });
    const byChannel = Object.fromEntries(body.results.map((r: Json) => [r.channel, r]));
    expect(byChannel.WOORIDONGNE_TV).toMatchObject({
      status: 'SUCCESS',
      distributionId: expect.any(String),
      estimatedViews: expect.any(Number),
    });
    expect(byChannel.RINGO_BIZ).toMatchObject({ status: 'SUCCESS', updateTimestamp: expect.any(String) });
    expect(byChannel.GENIE_TV).toMatchObject({ status: 'SUCCESS', adId: expect.any(String), impressionSchedule: expect.any(Array) });
    expect(byChannel.INSTAGRAM).toMatchObject({ status: 'SUCCESS', postId: expect.any(String), postUrl: expect.any(String) });
    expect(byChannel.NAVER_BLOG).toMatchObject({ status: 'SUCCESS', postUrl: expect.any(String) });
    expect(byChannel.KAKAO_CHANNEL).toMatchObject({ status: 'SUCCESS', messageId: expect.any(String) });

    // Parallel, not one after another: every channel's publish window overlaps every other's.
    const statusBody = await status(eventId);
    expect(seedSchemaErrors('DistributionStatusResponse', statusBody)).toEqual([]);
    const snapshot = await suite.temporal.client.workflow.getHandle(distributionWorkflowId(eventId)).query<Json>('distributionSnapshot');
    const latestStart = Math.max(...snapshot.channels.map((c: Json) => Date.parse(c.startedAt)));
    const earliestEnd = Math.min(...snapshot.channels.map((c: Json) => Date.parse(c.completedAt)));
    expect(latestStart).toBeLessThan(earliestEnd);
  });

  it('reports PARTIAL_FAILURE after three failed attempts, and a retry after the fix completes without double publishing', async () => {
    const eventId = newEventId();
    const res = await distribute({
      eventId,
      channels: [
        { type: 'INSTAGRAM', config: { caption: 'Grand opening #fail' } },
        { type: 'KAKAO_CHANNEL', config: { text: 'hello' } },
      ],
      contentUrls: CONTENT_URLS,
    });
    const body: Json = await json(res);
    expect(res.status).toBe(200);
    expect(body.status).toBe('PARTIAL_FAILURE');
    const failedStatus = await status(eventId);
    expect(seedSchemaErrors('DistributionStatusResponse', failedStatus)).toEqual([]);
    const instagram = failedStatus.channels.find((c: Json) => c.channel === 'INSTAGRAM');
    expect(instagram).toMatchObject({
      status: 'FAILED',
      retries: 3,
      errorMessage: expect.stringContaining('INSTAGRAM'),
      lastRetryAt: expect.any(String),
    });
    expect(failedStatus.channels.find((c: Json) => c.channel === 'KAKAO_CHANNEL')).toMatchObject({ status: 'COMPLETED', retries: 0 });

    // Retrying a channel that did not fail is refused, in the seed's ErrorResponse shape.
    const notFailed = await request(`/api/distribution/${eventId}/retry`, {
      method: 'POST',
      body: JSON.stringify({ channels: ['KAKAO_CHANNEL'] }),
    });
    expect(notFailed.status).toBe(400);
    const notFailedBody = await json(notFailed);
    expect(seedSchemaErrors('ErrorResponse', notFailedBody)).toEqual([]);
    expect(notFailedBody).toMatchObject({ error: 'BAD_REQUEST', message: expect.stringContaining('KAKAO_CHANNEL did not fail') });

    emulators().clearFaults('INSTAGRAM');
    try {
      const retried = await request(`/api/distribution/${eventId}/retry`, {
        method: 'POST',
        body: JSON.stringify({ channels: ['INSTAGRAM'] }),
      });
      expect(retried.status).toBe(200);
      const retryBody = await json(retried);
      expect(seedSchemaErrors('RetryResponse', retryBody)).toEqual([]);
      expect(retryBody).toMatchObject({
        eventId,
        retryStatus: 'COMPLETED',
        results: [{ channel: 'INSTAGRAM', status: 'SUCCESS', postId: expect.any(String) }],
      });
    } finally {
      emulators().restoreFaults('INSTAGRAM');
    }
    expect((await status(eventId)).overallStatus).toBe('COMPLETED');

    const snapshot = await suite.temporal.client.workflow.getHandle(distributionWorkflowId(eventId)).query<Json>('distributionSnapshot');
    const containerId = snapshot.channels.find((c: Json) => c.channel === 'INSTAGRAM').preparedRemoteId;
    expect(emulators().instagram.publishCount(containerId)).toBe(1);
    expect(emulators().partners.KAKAO_CHANNEL.publishCount(`dist-${eventId}/KAKAO_CHANNEL`)).toBe(1);
  });

  it('joins the open distribution when the same eventId is distributed again', async () => {
    const eventId = newEventId();
    const body = { eventId, channels: [{ type: 'NAVER_BLOG', config: { title: 'once' } }], contentUrls: CONTENT_URLS };
    const first = await json(await distribute(body));
    const second = await json(await distribute(body));
    expect(second.distributionId).toBe(first.distributionId);
    expect(emulators().partners.NAVER_BLOG.publishCount(`dist-${eventId}/NAVER_BLOG`)).toBe(1);
    const { executions } = await suite.temporal.client.workflowService.listWorkflowExecutions({
      namespace: inject('temporalNamespace'),
      query: `WorkflowId = '${distributionWorkflowId(eventId)}'`,
    });
    expect(executions).toHaveLength(1);
  });

  it('answers 202 while a scheduled channel waits, and cancels it on DELETE', async () => {
    const eventId = newEventId();
    const scheduledTime = new Date(Date.now() + 3600_000).toISOString();
    const res = await distribute({ eventId, channels: [{ type: 'GENIE_TV', config: { scheduledTime } }], contentUrls: CONTENT_URLS });
    expect(res.status).toBe(202);
    const body = await json(res);
    expect(seedSchemaErrors('DistributionResponse', body)).toEqual([]);
    expect(body.status).toBe('PENDING');

    const cancelled = await request(`/api/distribution/${eventId}`, { method: 'DELETE' });
    expect(cancelled.status).toBe(200);
    expect(await json(cancelled)).toMatchObject({ eventId, cancelledChannels: ['GENIE_TV'] });
    await expect.poll(async () => (await status(eventId)).overallStatus, { timeout: 10_000 }).toBe('FAILED');
    expect((await status(eventId)).channels[0]).toMatchObject({ status: 'FAILED', errorMessage: 'Cancelled before its scheduled time' });
    expect(emulators().partners.GENIE_TV.publishCount(`dist-${eventId}/GENIE_TV`)).toBe(0);
    const again = await request(`/api/distribution/${eventId}`, { method: 'DELETE' });
    expect(again.status).toBe(400);
  });

  it('rejects bad input with the seed ErrorResponse and a 4xx', async () => {
    const cases: [string, RequestInit, number, RegExp][] = [
      [
        'no channels',
        { method: 'POST', body: JSON.stringify({ eventId: 'evt-1', channels: [], contentUrls: {} }) },
        400,
        /at least one channel/i,
      ],
      [
        'unknown channel type',
        { method: 'POST', body: JSON.stringify({ eventId: 'evt-1', channels: [{ type: 'MYSPACE' }], contentUrls: {} }) },
        400,
        /channels\.0\.type/,
      ],
      ['malformed JSON', { method: 'POST', body: '{"eventId": "evt-1", "channels": [' }, 400, /JSON/i],
      [
        'invalid event id',
        { method: 'POST', body: JSON.stringify({ eventId: '../../etc', channels: [{ type: 'INSTAGRAM' }], contentUrls: {} }) },
        400,
        /이벤트 ID/,
      ],
    ];
    for (const [name, init, expectedStatus, message] of cases) {
      const res = await request('/api/distribution/distribute', init);
      expect(res.status, name).toBe(expectedStatus);
      const body = await json(res);
      expect(seedSchemaErrors('ErrorResponse', body), name).toEqual([]);
      expect(body.error, name).toBe('BAD_REQUEST');
      expect(body.message, name).toMatch(message);
    }
    const unknown = await request('/api/distribution/evt-never-seen/status', { role: 'viewer' });
    expect(unknown.status).toBe(404);
    expect(await json(unknown)).toMatchObject({ error: 'NOT_FOUND' });
    const unknownRetry = await request('/api/distribution/evt-never-seen/retry', {
      method: 'POST',
      body: JSON.stringify({ channels: ['INSTAGRAM'] }),
    });
    expect(unknownRetry.status).toBe(404);
    const viewerDistribute = await request('/api/distribution/distribute', {
      method: 'POST',
      role: 'viewer',
      body: JSON.stringify({ eventId: 'evt-x', channels: [{ type: 'INSTAGRAM' }], contentUrls: {} }),
    });
    expect(viewerDistribute.status).toBe(403);
    expect(await json(viewerDistribute)).toMatchObject({ error: 'FORBIDDEN' });
  });

  it("keeps a six-channel distribution's history under 100 events, and replays it with the current workflow code", async () => {
    const eventId = newEventId();
    await distribute({
      eventId,
      channels: CHANNEL_TYPES.map((type) => ({ type, config: type === 'INSTAGRAM' ? { caption: 'replay' } : {} })),
      contentUrls: CONTENT_URLS,
    });
    const history = await suite.temporal.client.workflow.getHandle(distributionWorkflowId(eventId)).fetchHistory();
    expect(history.events!.length).toBeLessThan(100);
    await expect(
      Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') } }, history, distributionWorkflowId(eventId)),
    ).resolves.toBeUndefined();
  });
});
