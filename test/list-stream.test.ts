// GET /api/v1/lists/events end to end: the real app on a socket, a sandbox worker, Temporal
// visibility. Several clients watch the lists; a deployment started through the API appears on
// every stream and its status change follows; a client that reconnects with Last-Event-ID gets
// what it missed (a freeze set and lifted); the reads the feed makes do not grow with the clients.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, type Listening } from '../emulators/listen.js';
import { authHeader } from './support/api.js';
import type { Json } from './support/http.js';
import { sandboxSuite } from './support/sandbox-suite.js';
import { readSse, type SseMessage } from './support/sse-client.js';

const PATH = '/api/v1/lists/events';

describe('live lists (SSE)', () => {
  const suite = sandboxSuite('list-stream');
  let served: Listening;
  beforeAll(async () => {
    served = await listen(suite.app.fetch);
  });
  afterAll(async () => {
    (served?.server as { closeAllConnections?: () => void } | undefined)?.closeAllConnections?.();
    await served?.close();
  });

  const changes = (messages: SseMessage[]) => messages.filter((m) => m.event === 'change').map((m) => JSON.parse(m.data) as Json);

  it('needs a viewer key, a `lists` stream token or a session', async () => {
    expect((await fetch(`${served.url}${PATH}`)).status).toBe(401);
    expect((await fetch(`${served.url}${PATH}?token=not-a-token`)).status).toBe(401);
    const token = await suite.api.call('POST', '/api/v1/stream-tokens', { scope: 'lists' }, 'viewer');
    expect(token.status).toBe(200);
    const read = await readSse(
      `${served.url}${PATH}?token=${token.body.data.token}`,
      {},
      (m) => m.some((x) => x.event === 'reset'),
      10_000,
    );
    expect(read.messages.map((m) => m.event)).toEqual(['connected', 'reset']);
    expect(read.messages[1]!.id).toMatch(/^[a-z0-9]+\.\d+$/);
    // The console's session cookie (an SSE GET needs no Origin).
    const session = await fetch(`${served.url}/api/v1/sessions`, { method: 'POST', headers: authHeader('viewer') });
    const cookie = /sy_session=[^;]+/.exec(session.headers.get('set-cookie') ?? '')![0];
    const viaCookie = await readSse(`${served.url}${PATH}`, { cookie }, (m) => m.some((x) => x.event === 'reset'), 10_000);
    expect(viaCookie.messages.map((m) => m.event)).toEqual(['connected', 'reset']);
  });

  it('shows every client a deployment started from the API and its status change, at one reader for all', { timeout: 90_000 }, async () => {
    const { api, app } = suite;
    const connection = await api.connect();
    let id = '';
    const readyOn = (m: SseMessage[]) => id !== '' && changes(m).some((c) => c.id === id && c.status === 'DEPLOYMENT_READY');
    const clients = Array.from({ length: 8 }, () => readSse(`${served.url}${PATH}`, authHeader('viewer'), readyOn, 60_000));
    await expect.poll(() => app.listFeed.subscriberCount).toBe(8);
    const rounds = app.listFeed.rounds;
    const from = Date.now();
    const started = await api.deploy(connection);
    expect(started.status).toBe(200);
    id = started.body.data.deploymentId as string;
    const reads = await Promise.all(clients);
    const elapsed = Date.now() - from;
    const spent = app.listFeed.rounds - rounds;
    for (const read of reads) {
      expect(read.messages[0]!.event).toBe('connected');
      const mine = changes(read.messages).filter((c) => c.id === id);
      expect(mine[0]).toMatchObject({ kind: 'deployment', change: 'added', id, item: { deploymentId: id, service: expect.any(String) } });
      expect(mine.at(-1)).toMatchObject({ change: 'changed', status: 'DEPLOYMENT_READY' });
    }
    // The feed reads on its interval (4 × the event poll interval: 400 ms here) plus the nudges this
    // API's own changes caused: the same for 8 clients as for one.
    const interval = 400;
    console.info(
      `live lists: ${spent} rounds of 3 reads in ${elapsed} ms for 8 clients (${((spent * 1000) / elapsed).toFixed(2)} rounds/s)`,
    );
    expect(spent).toBeLessThanOrEqual(Math.ceil(elapsed / interval) + 6);
    expect(app.listFeed.reads % 3).toBe(0);

    // A client that drops after the `added` event resumes with Last-Event-ID: it gets the rest, no reset.
    const added = reads[0]!.messages.find((m) => m.event === 'change' && JSON.parse(m.data).id === id)!;
    const freeze = await api.call('POST', '/api/v1/freezes', {
      scope: ['live-lists/none'],
      reason: 'list stream test',
      endsAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    expect(freeze.status).toBe(201);
    const freezeId = freeze.body.data.id as string;
    expect(freezeId).toMatch(/^frz_/);
    // Lists are read, not pushed by the workflows: a freeze lifted before any read was never seen.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await api.call('DELETE', `/api/v1/freezes/${freezeId}`)).status).toBe(200);
    const resumed = await readSse(
      `${served.url}${PATH}`,
      { ...authHeader('viewer'), 'last-event-id': added.id! },
      (m) => changes(m).some((c) => c.id === freezeId && c.change === 'removed'),
      20_000,
    );
    expect(resumed.messages.map((m) => m.event)).not.toContain('reset');
    const seen = changes(resumed.messages);
    expect(seen.filter((c) => c.id === id).at(-1)).toMatchObject({ change: 'changed', status: 'DEPLOYMENT_READY' });
    expect(seen.filter((c) => c.id === freezeId).map((c) => c.change)).toEqual(['added', 'removed']);
    expect(seen.some((c) => c.id === id && c.change === 'added')).toBe(false);
  });
});
