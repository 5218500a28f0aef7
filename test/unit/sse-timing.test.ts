// The SSE stream's timing rules with short timings: keep-alive comments while idle, the stream
// closed shortly after the final event, and the server-side limit on a stream's length.
import { OpenAPIHono } from '@hono/zod-openapi';
import { afterAll, describe, expect, it } from 'vitest';
import { WorkflowEventHub } from '../../api/streams/event-hub.js';
import { streamWorkflowEvents } from '../../api/streams/sse.js';
import { EventLog } from '../../workflows/shared/event-log.js';
import { serveApp } from '../support/http-server.js';
import { readSse } from '../support/sse-client.js';

describe('SSE timing rules', () => {
  const hub = new WorkflowEventHub({ pollIntervalMs: 20 });
  const idle = new EventLog();
  idle.append('stage', '[Stage 1] started', { stage: 1 });
  const finished = new EventLog();
  finished.append('stage', '[Stage 1] started', { stage: 1 });
  finished.append('success', 'Deployment completed successfully');
  finished.terminal = true;

  const app = new OpenAPIHono();
  const timings = { keepAliveMs: 50, closeAfterEndMs: 150, maxStreamMs: 600 };
  app.get('/idle', (c) => streamWorkflowEvents(c, hub, 'idle', async (after) => idle.since(after), timings));
  app.get('/finished', (c) => streamWorkflowEvents(c, hub, 'finished', async (after) => finished.since(after), timings));
  const served = serveApp(app.fetch);
  afterAll(async () => {
    hub.close();
    await (await served).close();
  });

  it('sends keep-alive comments while nothing happens and closes at the server-side limit', async () => {
    const { url } = await served;
    const started = Date.now();
    const { messages, comments, closedByServer } = await readSse(`${url}/idle`, {});
    expect(closedByServer).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(timings.maxStreamMs);
    expect(comments.filter((c) => c === 'keep-alive').length).toBeGreaterThanOrEqual(3);
    expect(messages.map((m) => m.event)).toEqual(['connected', 'stage']);
  });

  it('closes soon after the final event, also for a client resuming after it', async () => {
    const { url } = await served;
    const first = await readSse(`${url}/finished`, {});
    expect(first.closedByServer).toBe(true);
    expect(first.messages.map((m) => m.id ?? '-')).toEqual(['-', '1', '2']);
    const resumed = await readSse(`${url}/finished`, { 'last-event-id': '2' });
    expect(resumed.closedByServer).toBe(true);
    expect(resumed.messages.map((m) => m.event)).toEqual(['connected']);
  });
});
