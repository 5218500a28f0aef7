// What the Temporal UI shows for a distribution: the summary and details fixed at start (the event,
// its channels, who asked; never a channel's config), and the summary of a scheduled channel's
// timer in the history's TimerStarted event, read as the UI reads them.
import { randomUUID } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { distributionWorkflowId } from '../workflows/distribution/types.js';
import { CONTENT_URLS } from './channels/sandbox.js';
import { authHeader } from './support/api.js';
import { sandboxSuite } from './support/sandbox-suite.js';

describe("the Temporal UI tells a distribution's story", () => {
  const suite = sandboxSuite('dist-summaries', {
    app: () => ({ distribution: { retryWindowMs: 60_000, retryBackoffMs: 200, syncWaitMs: 2000 } }),
  });

  const request = (path: string, init: RequestInit = {}) =>
    suite.app.request(path, { ...init, headers: { 'content-type': 'application/json', ...authHeader('deployer') } });

  it('summarises the event and its channels, and names the scheduled-publish timer', async () => {
    const eventId = `evt-${randomUUID().slice(0, 8)}`;
    const scheduledTime = new Date(Date.now() + 3600_000).toISOString();
    const caption = `caption-${randomUUID()}`;
    const res = await request('/api/distribution/distribute', {
      method: 'POST',
      body: JSON.stringify({
        eventId,
        channels: [
          { type: 'GENIE_TV', config: { scheduledTime } },
          { type: 'INSTAGRAM', config: { caption, scheduledTime } },
        ],
        contentUrls: CONTENT_URLS,
      }),
    });
    expect(res.status).toBe(202);

    const handle = suite.temporal.client.workflow.getHandle(distributionWorkflowId(eventId));
    const description = await handle.describe();
    expect(await description.staticSummary()).toBe(`event ${eventId} → GENIE_TV, INSTAGRAM by test deployer`);
    const details = await description.staticDetails();
    expect(details).toContain(`**Event** ${eventId}`);
    expect(details).toContain('**Channels** GENIE_TV, INSTAGRAM');
    // A channel's config stays out of what the UI shows.
    expect(details).not.toContain(caption);
    expect(await description.staticSummary()).not.toContain(caption);

    const timerSummaries = async () => {
      const history = await handle.fetchHistory();
      return (history.events ?? [])
        .filter((event) => event.timerStartedEventAttributes && event.userMetadata?.summary)
        .map((event) => defaultPayloadConverter.fromPayload<string>(event.userMetadata!.summary!))
        .sort();
    };
    await expect
      .poll(timerSummaries, { timeout: 10_000 })
      .toEqual([`GENIE_TV: publish at ${scheduledTime}`, `INSTAGRAM: publish at ${scheduledTime}`]);

    // Nothing published: the channels wait for their time; cancelling ends the run here.
    expect((await request(`/api/distribution/${eventId}`, { method: 'DELETE' })).status).toBe(200);
    expect(suite.worker.sandbox.channels.state.partners.GENIE_TV.publishCount(`dist-${eventId}/GENIE_TV`)).toBe(0);
  });
});
