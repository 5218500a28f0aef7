// SSE for distributions, over a real socket: the seed's framing, resume with Last-Event-ID with
// no gap or duplicate, and one shared poller however many clients watch.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authHeader, buildTestApp } from './support/api.js';
import { json } from './support/http.js';
import { serveApp, type ServedApp } from './support/http-server.js';
import { readSse } from './support/sse-client.js';
import { connectClient, startSandboxWorker, uniqueTaskQueue, type SandboxWorker } from './support/temporal.js';

describe('distribution event stream (SSE)', () => {
  const taskQueue = uniqueTaskQueue('dist-sse');
  let temporal: Awaited<ReturnType<typeof connectClient>>;
  let worker: SandboxWorker;
  let app: ReturnType<typeof buildTestApp>;
  let served: ServedApp;

  beforeAll(async () => {
    temporal = await connectClient();
    worker = await startSandboxWorker(taskQueue);
    app = buildTestApp(temporal.client, taskQueue, { distribution: { retryWindowMs: 600_000, retryBackoffMs: 100, syncWaitMs: 0 } });
    served = await serveApp(app.fetch);
  });
  afterAll(async () => {
    await served?.close();
    await worker?.stop();
    await temporal?.close();
  });

  async function startDistribution(latencyMs: number): Promise<string> {
    const eventId = `evt-${randomUUID().slice(0, 8)}`;
    const res = await fetch(`${served.url}/api/distribution/distribute`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...authHeader('deployer') },
      body: JSON.stringify({
        eventId,
        channels: [
          { type: 'NAVER_BLOG', config: { latencyMs } },
          { type: 'KAKAO_CHANNEL', config: { latencyMs: latencyMs * 2 } },
          { type: 'INSTAGRAM', config: { caption: 'stream me' } },
        ],
        contentUrls: {
          naverBlog: 'https://cdn.example.com/n.jpg',
          kakaoChannel: 'https://cdn.example.com/k.jpg',
          instagram: 'https://cdn.example.com/i.jpg',
        },
      }),
    });
    expect(res.status).toBe(202);
    return eventId;
  }

  const eventsUrl = (eventId: string) => `${served.url}/api/distribution/${eventId}/events`;
  const ended = (messages: { event: string }[]) => messages.some((m) => m.event === 'success' || m.event === 'fail');

  it('sends connected, then every event once in seq order, then success, and closes 5 s later', async () => {
    const eventId = await startDistribution(300);
    const started = Date.now();
    const { messages, closedByServer } = await readSse(eventsUrl(eventId), authHeader('viewer'));
    expect(closedByServer).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(5000);
    expect(messages[0]).toMatchObject({ event: 'connected', retry: 5000 });
    expect(JSON.parse(messages[0]!.data)).toEqual({ message: 'SSE connection established' });
    const seqs = messages.slice(1).map((m) => Number(m.id));
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    expect(messages.at(-1)!.event).toBe('success');
    const channelEvents = messages.filter((m) => m.event === 'channel').map((m) => JSON.parse(m.data));
    expect(
      channelEvents
        .filter((e) => e.details.status === 'COMPLETED')
        .map((e) => e.details.channel)
        .sort(),
    ).toEqual(['INSTAGRAM', 'KAKAO_CHANNEL', 'NAVER_BLOG']);
  });

  it('resumes after Last-Event-ID with no gap and no duplicate', async () => {
    const eventId = await startDistribution(400);
    const firstPart = await readSse(eventsUrl(eventId), authHeader('viewer'), (m) => m.filter((x) => x.id).length >= 2);
    const lastId = firstPart.messages.filter((m) => m.id).at(-1)!.id!;
    const rest = await readSse(eventsUrl(eventId), { ...authHeader('viewer'), 'last-event-id': lastId }, ended);
    const resumedIds = rest.messages.filter((m) => m.id).map((m) => Number(m.id));
    expect(resumedIds[0]).toBe(Number(lastId) + 1);
    expect(resumedIds).toEqual(resumedIds.map((_, i) => Number(lastId) + 1 + i));

    const full = await readSse(eventsUrl(eventId), authHeader('viewer'), ended);
    const allIds = full.messages.filter((m) => m.id).map((m) => m.id);
    expect([...firstPart.messages.filter((m) => m.id).map((m) => m.id), ...rest.messages.filter((m) => m.id).map((m) => m.id)]).toEqual(
      allIds,
    );
  });

  it('serves 100 subscribers of one distribution with the queries of one', async () => {
    const eventId = await startDistribution(1500);
    const before = app.eventHub.queries;
    const readers = Array.from({ length: 100 }, () => readSse(eventsUrl(eventId), authHeader('viewer'), ended));
    const results = await Promise.all(readers);
    const queriesFor100 = app.eventHub.queries - before;
    for (const { messages } of results) expect(messages.at(-1)!.event).toBe('success');
    const reference = results[0]!.messages.map((m) => m.id);
    for (const { messages } of results) expect(messages.map((m) => m.id)).toEqual(reference);

    const eventId2 = await startDistribution(1500);
    const beforeOne = app.eventHub.queries;
    await readSse(eventsUrl(eventId2), authHeader('viewer'), ended);
    const queriesFor1 = app.eventHub.queries - beforeOne;
    // Same workflow shape and duration: one feed, so the same order of magnitude of queries.
    expect(queriesFor100).toBeLessThanOrEqual(queriesFor1 + 3);
  });

  it('answers 404 for an unknown event and 401 without a key, in the seed shape', async () => {
    const unknown = await fetch(eventsUrl('evt-unknown'), { headers: authHeader('viewer') });
    expect(unknown.status).toBe(404);
    expect(await json(unknown)).toMatchObject({ error: 'NOT_FOUND' });
    const anonymous = await fetch(eventsUrl('evt-unknown'));
    expect(anonymous.status).toBe(401);
  });
});
