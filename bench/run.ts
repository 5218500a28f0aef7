// `npm run bench`: Switchyard's speed and scale claims, as ratios taken in one run.
//  1. Parallel distribution: six channels that each take L finish in about L, not 6 L.
//  2. Event fan-out: 100 SSE subscribers of one workflow cost about the queries of one.
import { randomUUID } from 'node:crypto';
import { CHANNEL_TYPES } from '../common/channel-types.js';
import { BENCH_KEY, startBenchStack } from './harness.js';

const stack = await startBenchStack();
const headers = { 'content-type': 'application/json', authorization: `Bearer ${BENCH_KEY}` };
const CONTENT = Object.fromEntries(['wooridongneTV', 'ringoBiz', 'genieTV', 'instagram', 'naverBlog', 'kakaoChannel'].map((k) => [k, `https://cdn.example.com/${k}.jpg`]));

async function distribute(channels: string[], latencyMs: number): Promise<number> {
  const started = performance.now();
  const res = await stack.app.request('/api/distribution/distribute', {
    method: 'POST', headers,
    body: JSON.stringify({ eventId: `bench-${randomUUID().slice(0, 8)}`, channels: channels.map((type) => ({ type, config: { latencyMs, caption: `#processing-${latencyMs}` } })), contentUrls: CONTENT }),
  });
  const body = (await res.json()) as { status: string };
  if (body.status !== 'COMPLETED') throw new Error(`distribution ended ${body.status}`);
  return performance.now() - started;
}

async function readUntilEnd(eventId: string): Promise<void> {
  const res = await stack.liveApp.request(`/api/distribution/${eventId}/events`, { headers });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (!/event: (success|fail)/.test(text)) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value);
  }
  await reader.cancel();
}

async function fanOut(subscribers: number): Promise<number> {
  const eventId = `bench-${randomUUID().slice(0, 8)}`;
  await stack.liveApp.request('/api/distribution/distribute', {
    method: 'POST', headers,
    body: JSON.stringify({ eventId, channels: [{ type: 'NAVER_BLOG', config: { latencyMs: 2000 } }], contentUrls: CONTENT }),
  });
  const before = stack.liveApp.eventHub.queries;
  await Promise.all(Array.from({ length: subscribers }, () => readUntilEnd(eventId)));
  return stack.liveApp.eventHub.queries - before;
}

try {
  const latencyMs = 1000;
  await distribute(['NAVER_BLOG'], 50); // warm-up: bundles, connections
  const one = await distribute(['NAVER_BLOG'], latencyMs);
  const six = await distribute([...CHANNEL_TYPES], latencyMs);
  console.log('\nParallel distribution (each channel takes ~%d ms):', latencyMs);
  console.log('  one channel           %s ms', one.toFixed(0));
  console.log('  six channels          %s ms', six.toFixed(0));
  console.log('  six / one             %s   (1.0 = perfectly parallel, 6.0 = sequential)', (six / one).toFixed(2));

  const queries1 = await fanOut(1);
  const queries100 = await fanOut(100);
  console.log('\nSSE fan-out on one workflow (shared poller):');
  console.log('  queries, 1 subscriber     %d', queries1);
  console.log('  queries, 100 subscribers  %d', queries100);
  console.log('  ratio                     %s   (1.0 = no growth with subscribers)\n', (queries100 / Math.max(queries1, 1)).toFixed(2));
} finally {
  await stack.stop();
}
