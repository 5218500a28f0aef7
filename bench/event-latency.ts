// State change → SSE client latency of six-channel distributions, each watched by one client:
// the latency row of `npm run bench`, and the scale row's SSE figure while deployments are held.
import { randomUUID } from 'node:crypto';
import { CHANNEL_TYPES } from '../domain/channels.js';
import { metric } from './separate-processes.js';

const CONTENT = Object.fromEntries(
  ['wooridongneTV', 'ringoBiz', 'genieTV', 'instagram', 'naverBlog', 'kakaoChannel'].map((k) => [k, `https://cdn.example.com/${k}.jpg`]),
);

/** Latency of every event of `count` six-channel distributions, each watched by one SSE client. */
/**
 * State change → SSE client, as in production: the API and the worker each in a process of their
 * own (one event loop each), the clients here over HTTP. Only changes made after a client has
 * subscribed count: the backlog it reads on connect (`started`, say) measures how late it
 * connected, not how fast a change reaches it.
 */
/** `count` distributions at once, `rounds` times in a row: one p95 over 70 changes swings by 50 ms from run to run. */
export async function eventLatency(
  api: { url: string },
  key: string,
  count: number,
  rounds: number,
): Promise<{ p50: number; p95: number; max: number; samples: number; queriesPerWorkflow: number }> {
  const latencies: number[] = [];
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${key}` };
  const before = await metric(api, key, 'switchyard_event_queries_total');
  for (let round = 0; round < rounds; round += 1)
    await Promise.all(
      Array.from({ length: count }, async (_, i) => {
        const eventId = `latency-${randomUUID().slice(0, 8)}`;
        await fetch(`${api.url}/api/distribution/distribute`, {
          method: 'POST',
          headers,
          body: JSON.stringify({
            eventId,
            channels: CHANNEL_TYPES.map((type, c) => ({
              type,
              config: { latencyMs: 200 + 150 * ((i + c) % 6), caption: '#processing-300' },
            })),
            contentUrls: CONTENT,
          }),
        }).then((res) => res.arrayBuffer());
        const res = await fetch(`${api.url}/api/distribution/${eventId}/events`, { headers });
        const subscribedAt = Date.now();
        const reader = res.body!.getReader();
        const decoder = new TextDecoder();
        let buffer = '';
        for (let ended = false; !ended;) {
          const { value, done } = await reader.read();
          if (done) break;
          const now = Date.now();
          buffer += decoder.decode(value, { stream: true });
          const frames = buffer.split('\n\n');
          buffer = frames.pop()!;
          for (const frame of frames) {
            const data = /^data: (.*)$/m.exec(frame)?.[1];
            const at = data ? (JSON.parse(data) as { at?: string }).at : undefined;
            if (at && Date.parse(at) >= subscribedAt) latencies.push(now - Date.parse(at));
            if (/^event: (success|fail)$/m.test(frame)) ended = true;
          }
        }
        await reader.cancel();
      }),
    );
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  const queries = (await metric(api, key, 'switchyard_event_queries_total')) - before;
  return {
    p50: at(0.5),
    p95: at(0.95),
    max: latencies.at(-1) ?? NaN,
    samples: latencies.length,
    queriesPerWorkflow: queries / (count * rounds),
  };
}
