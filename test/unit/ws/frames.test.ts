// Frame checks on their own (a pure function): each way a frame can be wrong gets the seed's error
// code and details, in the order the checks run; a good frame becomes its typed message.
import { describe, expect, it } from 'vitest';
import { readFrame } from '../../../api/ws/frames.js';

const MAX = 100;
const problem = (raw: unknown) => {
  const check = readFrame(raw, MAX);
  if (check.ok) throw new Error(`accepted: ${JSON.stringify(raw)}`);
  return check.problem;
};

describe('WebSocket frame checks', () => {
  it('turns a good frame into its typed message, timestamp kept', () => {
    expect(readFrame('{"type":"ping","data":{"client_time":"2024-01-01T00:00:00Z"},"timestamp":"2024-01-01T00:00:01Z"}', MAX)).toEqual({
      ok: true,
      message: { type: 'ping', data: { client_time: '2024-01-01T00:00:00Z' }, timestamp: '2024-01-01T00:00:01Z' },
    });
    expect(readFrame('{"type":"unsubscribe","data":{}}', MAX)).toEqual({ ok: true, message: { type: 'unsubscribe', data: {} } });
  });

  it('refuses binary, oversized and non-JSON frames as INVALID_MESSAGE_FORMAT', () => {
    expect(problem(Buffer.from('{}'))).toMatchObject({ code: 'INVALID_MESSAGE_FORMAT', details: { expected_fields: ['type', 'data'] } });
    const big = JSON.stringify({ type: 'ping', data: { pad: 'é'.repeat(60) } });
    expect(problem(big)).toMatchObject({
      code: 'INVALID_MESSAGE_FORMAT',
      details: { max_bytes: MAX, received_bytes: Buffer.byteLength(big) },
    });
    expect(problem('{"type":')).toMatchObject({
      code: 'INVALID_MESSAGE_FORMAT',
      text: 'Message is not valid JSON',
      details: { received_message: '{"type":' },
    });
  });

  it('names an unknown type before looking at the rest of the envelope', () => {
    expect(problem('{"type":"service_control"}')).toMatchObject({
      code: 'UNKNOWN_MESSAGE_TYPE',
      details: { received_type: 'service_control', supported_types: expect.arrayContaining(['subscribe']) },
    });
  });

  it('checks the envelope, then the data against its type', () => {
    expect(problem('{"type":"subscribe"}').details.issues).toEqual([expect.stringContaining('data')]);
    expect(problem('[1]')).toMatchObject({ code: 'INVALID_MESSAGE_FORMAT', details: { expected_fields: ['type', 'data'] } });
    const bad = problem('{"type":"deployment_control","data":{"deployment_id":"dep_1","action":"restart"}}');
    expect(bad).toMatchObject({
      code: 'INVALID_MESSAGE_FORMAT',
      text: 'Invalid data for deployment_control',
      details: { received_type: 'deployment_control' },
    });
    expect((bad.details.issues as string[]).join()).toContain('action');
  });
});
