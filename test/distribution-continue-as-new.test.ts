// Retries within the window grow a distribution's history; at a settle where it has grown past
// its limit, the workflow continues as new with its state carried over. For the API and its
// clients nothing changes: the same id, status, retries, one event log with seqs going on (SSE
// resumes across runs), and no channel published twice.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { distributionWorkflowId } from '../workflows/distribution/types.js';
import { CONTENT_URLS } from './channels/sandbox.js';
import { authHeader, buildTestApp } from './support/api.js';
import { json, type Json } from './support/http.js';
import { serveApp, type ServedApp } from './support/http-server.js';
import { readSse } from './support/sse-client.js';
import { connectClient, startSandboxWorker, uniqueTaskQueue, type SandboxWorker } from './support/temporal.js';

/** Low enough that every settle of this test's distribution continues as new. */
const CONTINUE_AFTER_EVENTS = 20;

describe('distribution continue-as-new', () => {
  const taskQueue = uniqueTaskQueue('dist-can');
  let temporal: Awaited<ReturnType<typeof connectClient>>;
  let worker: SandboxWorker;
  let app: ReturnType<typeof buildTestApp>;
  let served: ServedApp;

  beforeAll(async () => {
    temporal = await connectClient();
    worker = await startSandboxWorker(taskQueue);
    app = buildTestApp(temporal.client, taskQueue, {
      distribution: { retryWindowMs: 600_000, retryBackoffMs: 100, syncWaitMs: 8000, continueAsNewAfterEvents: CONTINUE_AFTER_EVENTS },
    });
    served = await serveApp(app.fetch);
  });
  afterAll(async () => {
    await served?.close();
    await worker?.stop();
    await temporal?.close();
  });

  const request = (path: string, init: RequestInit = {}, role: 'viewer' | 'deployer' = 'deployer') =>
    app.request(path, { ...init, headers: { 'content-type': 'application/json', ...authHeader(role) } });
  const status = async (eventId: string) => json(await request(`/api/distribution/${eventId}/status`, {}, 'viewer'));
  const retry = (eventId: string) =>
    request(`/api/distribution/${eventId}/retry`, { method: 'POST', body: JSON.stringify({ channels: ['INSTAGRAM'] }) });
  const runs = async (eventId: string) => {
    const { executions } = await temporal.client.workflowService.listWorkflowExecutions({
      namespace: inject('temporalNamespace'),
      query: `WorkflowId = '${distributionWorkflowId(eventId)}'`,
    });
    return executions;
  };
  /** Waits until the distribution has had `count` runs (each settle continued as new). */
  const runsReach = (eventId: string, count: number) =>
    expect.poll(async () => (await runs(eventId)).length, { timeout: 15_000 }).toBe(count);

  it(
    'continues as new at each long settle, and keeps status, retries, seqs and single publishes across runs',
    { timeout: 90_000 },
    async () => {
      const eventId = `evt-${randomUUID().slice(0, 8)}`;
      const handle = temporal.client.workflow.getHandle(distributionWorkflowId(eventId));
      const started = await request('/api/distribution/distribute', {
        method: 'POST',
        body: JSON.stringify({
          eventId,
          channels: [
            { type: 'INSTAGRAM', config: { caption: 'Grand opening #fail' } },
            { type: 'KAKAO_CHANNEL', config: { text: 'hello' } },
          ],
          contentUrls: CONTENT_URLS,
        }),
      });
      expect(started.status).toBe(200);
      expect((await json(started)).status).toBe('PARTIAL_FAILURE');
      await runsReach(eventId, 2);

      // The continued run answers as the first did.
      const afterFirst = await status(eventId);
      expect(afterFirst).toMatchObject({ eventId, overallStatus: 'PARTIAL_FAILURE' });
      expect(afterFirst.channels.find((c: Json) => c.channel === 'INSTAGRAM')).toMatchObject({ status: 'FAILED', retries: 3 });
      expect(afterFirst.channels.find((c: Json) => c.channel === 'KAKAO_CHANNEL')).toMatchObject({ status: 'COMPLETED' });

      // A stream resumed after the first run's last event gets the retry's events, from the second
      // run, with the seqs going on from there.
      const lastSeq = (await handle.query<Json, [number]>('distributionEvents', 0)).lastSeq as number;
      const failedAgain = retry(eventId); // still failing: a second settle, a third run
      await expect.poll(async () => (await status(eventId)).overallStatus, { timeout: 10_000, interval: 50 }).toBe('IN_PROGRESS');
      const { messages } = await readSse(
        `${served.url}/api/distribution/${eventId}/events`,
        { ...authHeader('viewer'), 'last-event-id': String(lastSeq) },
        (received) => received.some((m) => m.event === 'fail' || m.event === 'success'),
      );
      const resumed = messages.filter((m) => m.id !== undefined).map((m) => Number(m.id));
      expect(resumed[0]).toBe(lastSeq + 1);
      expect(resumed).toEqual(resumed.map((_, i) => lastSeq + 1 + i));
      const answered = await failedAgain;
      expect(answered.status).toBe(200);
      expect(await json(answered)).toMatchObject({ retryStatus: 'FAILED' });
      await runsReach(eventId, 3);

      worker.sandbox.channels.state.clearFaults('INSTAGRAM');
      try {
        const fixed = await retry(eventId);
        expect(fixed.status).toBe(200);
        expect(await json(fixed)).toMatchObject({ retryStatus: 'COMPLETED', results: [{ channel: 'INSTAGRAM', status: 'SUCCESS' }] });
      } finally {
        worker.sandbox.channels.state.restoreFaults('INSTAGRAM');
      }
      await runsReach(eventId, 4);
      const done = await status(eventId);
      expect(done).toMatchObject({ overallStatus: 'COMPLETED' });
      const instagram = done.channels.find((c: Json) => c.channel === 'INSTAGRAM');
      expect(instagram.status).toBe('COMPLETED');
      expect(instagram.retries).toBeGreaterThanOrEqual(6); // the failed attempts of both earlier runs are still counted

      // One log across the runs: seqs 1..n with no gap, the start recorded once.
      const page = await handle.query<Json, [number]>('distributionEvents', 0);
      const seqs = (page.events as Json[]).map((e) => e.seq as number);
      expect(seqs).toEqual(seqs.map((_, i) => i + 1));
      expect((page.events as Json[]).filter((e) => e.type === 'started')).toHaveLength(1);
      expect(page.lastSeq).toBe(seqs.length);

      // Four runs, each as small as a first run (under 100 events, as a six-channel one); every channel published once.
      const executions = await runs(eventId);
      expect(executions).toHaveLength(4);
      for (const execution of executions) expect(Number(execution.historyLength?.toString())).toBeLessThan(100);
      const snapshot = await handle.query<Json>('distributionSnapshot');
      const containerId = snapshot.channels.find((c: Json) => c.channel === 'INSTAGRAM').preparedRemoteId;
      expect(worker.sandbox.channels.state.instagram.publishCount(containerId)).toBe(1);
      expect(worker.sandbox.channels.state.partners.KAKAO_CHANNEL.publishCount(`dist-${eventId}/KAKAO_CHANNEL`)).toBe(1);
    },
  );
});
