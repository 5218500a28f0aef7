// The channel retry budget (domain/channel-retry-budget.ts) holds end to end: with the channel
// emulators refusing every API call, one publish makes exactly MAX_CALLS_PER_FAILING_PUBLISH HTTP
// calls (the workflow's attempts times each call's tries), and once that failure has opened the
// channel's circuit, the next attempt makes none. Real Temporal, real worker, real emulators; the
// calls are counted by the emulators' fault injector, which sees every channel API request.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ATTEMPTS_PER_PUBLISH, CALLS_WHILE_CIRCUIT_OPEN, MAX_CALLS_PER_FAILING_PUBLISH } from '../domain/channel-retry-budget.js';
import { distributionWorkflowId } from '../workflows/distribution/types.js';
import { CONTENT_URLS } from './channels/sandbox.js';
import { authHeader } from './support/api.js';
import { json, type Json } from './support/http.js';
import { sandboxSuite } from './support/sandbox-suite.js';

describe('channel retry budget', () => {
  const suite = sandboxSuite('retry-budget', {
    // Every channel API call is throttled (429 with Retry-After: 1 for partners, Graph's #4 for
    // Instagram): transient and refused unprocessed, so every call is retried as far as allowed.
    sandbox: { faults: { rate: 1, kinds: ['throttle'], services: ['channels'] } },
    // The circuit opens once one publish has failed all its attempts, and stays open for the test.
    env: { CHANNEL_CIRCUIT_FAILURE_THRESHOLD: String(ATTEMPTS_PER_PUBLISH), CHANNEL_CIRCUIT_OPEN_SECONDS: '600' },
    app: () => ({ distribution: { retryWindowMs: 60_000, retryBackoffMs: 100, syncWaitMs: 0 } }),
  });

  const request = (path: string, init: RequestInit = {}) =>
    suite.app.request(path, { ...init, headers: { 'content-type': 'application/json', ...authHeader('deployer') } });
  const channelCalls = () => suite.worker.sandbox.faults!.total().throttle;
  const channelState = async (eventId: string, channel: string): Promise<Json> =>
    (await json(await request(`/api/distribution/${eventId}/status`))).channels.find((c: Json) => c.channel === channel);

  async function distribute(channel: string): Promise<string> {
    const eventId = `evt-${randomUUID().slice(0, 8)}`;
    const res = await request('/api/distribution/distribute', {
      method: 'POST',
      body: JSON.stringify({
        eventId,
        channels: [{ type: channel, config: { caption: 'budget', title: 'budget' } }],
        contentUrls: CONTENT_URLS,
      }),
    });
    expect(res.status).toBe(202); // accepted; it runs on while the test watches its status
    return eventId;
  }

  async function waitFor(eventId: string, channel: string, done: (state: Json) => boolean): Promise<Json> {
    for (const deadline = Date.now() + 45_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 200))) {
      const state = await channelState(eventId, channel);
      if (done(state)) return state;
    }
    throw new Error(`${channel} of ${eventId} did not reach the expected state`);
  }

  it.each(['NAVER_BLOG', 'INSTAGRAM'])('a %s publish whose every call fails makes exactly the stated budget of calls', async (channel) => {
    expect(MAX_CALLS_PER_FAILING_PUBLISH).toBe(9);
    const before = channelCalls();
    const eventId = await distribute(channel);
    const failed = await waitFor(eventId, channel, (s) => s.status === 'FAILED');
    expect(failed).toMatchObject({ status: 'FAILED', retries: ATTEMPTS_PER_PUBLISH });
    expect(channelCalls() - before).toBe(MAX_CALLS_PER_FAILING_PUBLISH);
    // Nothing was created on the remote side.
    const { channels } = suite.worker.sandbox;
    expect(channel === 'INSTAGRAM' ? channels.state.instagram.summary() : channels.state.partners.NAVER_BLOG.summary()).toMatchObject(
      channel === 'INSTAGRAM' ? { containers: [] } : { drafts: [] },
    );
  });

  it('an open circuit makes no call: the attempt fails fast and the channel waits', async () => {
    // NAVER_BLOG's circuit was opened by the failing publish above (threshold = its attempts).
    const before = channelCalls();
    const eventId = await distribute('NAVER_BLOG');
    await waitFor(eventId, 'NAVER_BLOG', (s) => s.retries >= 1);
    // The public status leaves out a running channel's error; the workflow's own snapshot has it.
    const handle = suite.client.workflow.getHandle(distributionWorkflowId(eventId));
    const snapshot = await handle.query<Json>('distributionSnapshot');
    const refused = snapshot.channels.find((c: Json) => c.channel === 'NAVER_BLOG');
    expect(refused).toMatchObject({
      status: 'IN_PROGRESS',
      phase: 'BACKING_OFF',
      retries: 1,
      errorMessage: expect.stringMatching(/circuit open/),
    });
    expect(channelCalls() - before).toBe(CALLS_WHILE_CIRCUIT_OPEN);
    await handle.terminate('test done: the circuit stays open');
  });
});
