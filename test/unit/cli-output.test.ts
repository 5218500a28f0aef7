// The CLI's pure parts: API errors of every shape as one line with the rule, the progress bars
// and status line of a deployment's live display, tables, and the SSE parser.
import { describe, expect, it } from 'vitest';
import { formatApiError } from '../../cli/api-errors.js';
import { DeploymentView } from '../../cli/deployment-view.js';
import { doraLines, duration } from '../../cli/dora.js';
import { Output, progressBar, table, type Io } from '../../cli/output.js';
import { followSse, parseSse, type SseMessage } from '../../cli/sse.js';

describe('API errors', () => {
  it('shows the Panda shape as status, title, message and its rule fields', () => {
    expect(
      formatApiError(423, 'Locked', {
        timestamp: '2026-12-07T10:00:00',
        status: 423,
        error: 'Deployment Error',
        message: 'prod/api is frozen until 2026-12-08T00:00:00Z: release freeze',
        freezeId: 'frz_1',
        frozenUntil: '2026-12-08T00:00:00Z',
      }),
    ).toBe('423 Deployment Error: prod/api is frozen until 2026-12-08T00:00:00Z: release freeze [freeze frz_1 until 2026-12-08T00:00:00Z]');
    expect(
      formatApiError(429, 'Too Many Requests', {
        status: 429,
        error: 'Too Many Requests',
        message: 'Slow down',
        errorCode: 'RATE_LIMIT_EXCEEDED',
        retryAfterSeconds: 3,
      }),
    ).toBe('429 Too Many Requests: Slow down [RATE_LIMIT_EXCEEDED, retry after 3 s]');
  });

  it('shows the Distribution Service shape with its code as the rule', () => {
    expect(
      formatApiError(400, 'Bad Request', { error: 'BAD_REQUEST', message: 'Channel INSTAGRAM did not fail', timestamp: 'x', details: {} }),
    ).toBe('400 Bad Request: Channel INSTAGRAM did not fail [BAD_REQUEST]');
  });

  it('shows the legacy envelope {success:false, error:{code, message}}', () => {
    expect(formatApiError(403, 'Forbidden', { success: false, error: { code: 'FORBIDDEN', message: 'approver role required' } })).toBe(
      '403 Forbidden: approver role required [FORBIDDEN]',
    );
  });

  it('keeps to one line: folds line breaks, and does not dump HTML or JSON', () => {
    expect(
      formatApiError(400, 'Bad Request', { status: 400, error: 'Bad Request', message: 'Invalid request:\n  version: too long' }),
    ).toBe('400 Bad Request: Invalid request: version: too long');
    expect(formatApiError(502, 'Bad Gateway', '<html><body>bad gateway</body></html>')).toBe('502 Bad Gateway: no message');
    expect(formatApiError(503, 'Service Unavailable', undefined)).toBe('503 Service Unavailable: no message');
  });
});

describe('the live display', () => {
  it('draws bars of a fixed width, clamped', () => {
    expect(progressBar(0.5, 10)).toBe('[#####.....]  50%');
    expect(progressBar(2, 4)).toBe('[####] 100%');
    expect(progressBar(Number.NaN, 4)).toBe('[....]   0%');
  });

  it("counts the build's steps, then shows green's traffic weight and the rollout step when events carry them", () => {
    const view = new DeploymentView();
    expect(
      view.take({ type: 'stage', message: '[Stage 1] Repository 클론 중', details: { stage: 1 }, at: '2026-12-07T10:00:01.000Z' }),
    ).toBe('10:00:01  stage 1/5  [Stage 1] Repository 클론 중');
    view.take({ type: 'stage', message: 'built', details: { stage: 1 } });
    expect(view.statusLine()).toBe('stage 1/5  build [########............]  40%');
    view.take({
      type: 'stage',
      message: 'lifecycle',
      details: {
        stage: 4,
        taskSets: [
          { label: 'BLUE', trafficWeight: 70 },
          { label: 'GREEN', trafficWeight: 30 },
        ],
      },
    });
    view.take({ type: 'stage', message: 'step', details: { stage: 4, step: 2, steps: 4 } });
    expect(view.statusLine()).toBe('stage 4/5  build [####################] 100%  green traffic [######..............]  30%  step 2/4');
    view.take({ type: 'stage', message: 'waiting', details: { stage: 4, milestone: 'awaiting_decision' } });
    expect(view.awaitingDecision).toBe(true);
    expect(view.take({ type: 'fail', message: 'Deployment rolled back', details: { status: 'ROLLED_BACK' } })).toBe(
      'stage 4/5  fail: Deployment rolled back',
    );
    expect(view.awaitingDecision).toBe(false);
  });

  it('redraws the status line in place on a TTY and prints it once per change when piped', () => {
    const io = (isTTY: boolean) => {
      let written = '';
      const value: Io = {
        stdout: {
          isTTY,
          write: (s: string) => {
            written += s;
          },
        },
        stderr: { write: () => undefined },
        env: {},
        readStdin: async () => '',
      };
      return {
        value,
        get written() {
          return written;
        },
      };
    };
    const piped = io(false);
    const out = new Output(piped.value, 'text');
    out.status('a');
    out.status('a');
    out.line('event');
    out.status('b');
    out.end();
    expect(piped.written).toBe('a\nevent\nb\n');
    const tty = io(true);
    const live = new Output(tty.value, 'text');
    live.status('a');
    live.line('event');
    live.end();
    expect(tty.written).toBe('\r\x1b[2Ka\r\x1b[2Kevent\na\n');
    const json = io(false);
    const quiet = new Output(json.value, 'json');
    quiet.status('a');
    quiet.line('event');
    quiet.result({ ok: true }, () => ['ok']);
    expect(JSON.parse(json.written)).toEqual({ ok: true });
  });

  it('aligns table columns and shows missing values as -', () => {
    expect(
      table(
        [
          { id: 'dep_1', status: 'COMPLETED' },
          { id: 'dep_22', status: null },
        ],
        [
          { key: 'id', title: 'ID' },
          { key: 'status', title: 'STATUS' },
        ],
      ),
    ).toEqual(['ID      STATUS', 'dep_1   COMPLETED', 'dep_22  -']);
  });
});

describe('the DORA table', () => {
  it('shows the four figures per service and overall, durations in readable units', () => {
    expect([duration(null), duration(42), duration(720), duration(12_600), duration(216_000)]).toEqual(['-', '42s', '12m', '3.5h', '2.5d']);
    const figures = {
      changeFailureRate: { failed: 1, rate: 0.25, releases: 4 },
      deploymentFrequency: { completed: 3, perDay: 0.1, perWeek: 0.7 },
      leadTimeForChanges: { medianSeconds: 3600, p90Seconds: 7200, samples: 3, withoutCommitDate: 0 },
      releases: { completed: 3, failed: 0, rollbackDeployments: 1, rolledBack: 1 },
      timeToRestore: { failures: 1, medianSeconds: 900, restored: 1 },
    };
    const lines = doraLines({
      overall: figures,
      service: null,
      services: [{ ...figures, service: 'prod/api' }],
      runs: { cap: 1000, read: 5, truncated: false, unreadable: 0 },
      window: { days: 30, from: '2026-11-07T00:00:00.000Z', to: '2026-12-07T00:00:00.000Z', rollbackWindowHours: 24 },
    });
    expect(lines).toEqual([
      'delivery 2026-11-07T00:00:00.000Z → 2026-12-07T00:00:00.000Z (30 days)',
      'SERVICE       DEPLOYS       LEAD TIME        CHANGE FAILURE  TIME TO RESTORE',
      'prod/api      3 (0.7/week)  1.0h (p90 2.0h)  25% (1/4)       15m (1/1 restored)',
      'all services  3 (0.7/week)  1.0h (p90 2.0h)  25% (1/4)       15m (1/1 restored)',
    ]);
  });
});

describe('the SSE parser', () => {
  it('splits events across chunks, keeps ids, skips keep-alive comments', () => {
    const first = parseSse(
      'event: connected\ndata: {"message":"SSE connection established"}\nretry: 5000\n\n: keep-alive\n\nevent: stage\ndata: {"a"',
    );
    expect(first.messages).toEqual([{ event: 'connected', data: '{"message":"SSE connection established"}' }]);
    const second = parseSse(`${first.rest}:1}\nid: 7\n\r\nevent: success\r\ndata: {}\r\nid: 8\r\n\r\n`);
    expect(second.messages).toEqual([
      { event: 'stage', data: '{"a":1}', id: 7 },
      { event: 'success', data: '{}', id: 8 },
    ]);
    expect(second.rest).toBe('');
  });

  it('reconnects with the last id after the server closes the stream, and waits out a 404 for a queued deployment', async () => {
    const stream = (text: string) => new Response(new Blob([text]).stream(), { headers: { 'content-type': 'text/event-stream' } });
    const answers = [
      () => new Response('{"message":"not yet"}', { status: 404 }),
      () => stream('event: connected\ndata: {}\n\nevent: stage\ndata: {"n":1}\nid: 1\n\nevent: stage\ndata: {"n":2}\nid: 2\n\n'),
      () => stream('event: connected\ndata: {}\n\nevent: success\ndata: {}\nid: 3\n\n'),
    ];
    const asked: number[] = [];
    const seen: SseMessage[] = [];
    await followSse({
      url: 'http://switchyard.test',
      notFoundMeansNotYet: true,
      sleep: async () => undefined,
      open: async (lastEventId) => {
        asked.push(lastEventId);
        return { response: answers[asked.length - 1]!() };
      },
      onMessage: (message) => {
        seen.push(message);
        return message.event === 'success';
      },
      onClose: async () => false,
    });
    expect(asked).toEqual([0, 0, 2]);
    expect(seen.filter((m) => m.event !== 'connected').map((m) => m.id)).toEqual([1, 2, 3]);
  });

  it('gives up on a refusal at once (exit 3) and on a server that keeps failing (exit 4)', async () => {
    const refused = followSse({
      url: 'u',
      sleep: async () => undefined,
      open: async () => ({ response: Response.json({ message: 'Deployment not found' }, { status: 404 }) }),
      onMessage: () => true,
      onClose: async () => true,
    });
    await expect(refused).rejects.toMatchObject({ exitCode: 3, message: expect.stringMatching(/^404.*: Deployment not found$/) });
    let calls = 0;
    const down = followSse({
      url: 'u',
      maxFailures: 3,
      sleep: async () => undefined,
      open: async () => {
        calls += 1;
        throw new TypeError('fetch failed');
      },
      onMessage: () => true,
      onClose: async () => true,
    });
    await expect(down).rejects.toMatchObject({ exitCode: 4 });
    expect(calls).toBe(3);
  });
});
