// The rule every exported span passes (common/telemetry/span-redaction.ts): URLs lose their query
// string, fragment and user info; attributes naming a header or a credential are dropped.
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { RedactingSpanExporter, redactAttributes, stripUrl } from '../common/telemetry/span-redaction.js';

describe('span redaction', () => {
  it('strips query strings, fragments and user info from URLs', () => {
    expect(stripUrl('https://api.github.com/repos/o/r?access_token=abc#x')).toBe('https://api.github.com/repos/o/r');
    expect(stripUrl('https://user:pa55@host:8443/path?X-Amz-Signature=s')).toBe('https://host:8443/path');
    expect(stripUrl('/api/v1/deploy/dep_1/events?token=k')).toBe('/api/v1/deploy/dep_1/events');
  });

  it('drops header, query and credential attributes and keeps the rest', () => {
    expect(
      redactAttributes({
        'url.full': 'http://127.0.0.1:4000/ecs?Action=x&token=t',
        'http.url': 'http://u:p@h/x?y=1',
        'url.query': 'token=t',
        'http.request.header.authorization': ['Bearer k'],
        'http.request.header.x-api-key': ['k'],
        'aws.secret_access_key': 'k',
        'http.request.method': 'POST',
        'http.response.status_code': 200,
        'url.path': '/ecs',
      }),
    ).toEqual({
      'url.full': 'http://127.0.0.1:4000/ecs',
      'http.url': 'http://h/x',
      'http.request.method': 'POST',
      'http.response.status_code': 200,
      'url.path': '/ecs',
    });
  });

  it('hands the exporter redacted copies, span and event attributes alike', () => {
    const inner = new InMemorySpanExporter();
    const span = {
      name: 'GET',
      attributes: { 'url.full': 'https://h/p?token=t' },
      events: [{ name: 'e', time: [0, 0], attributes: { authorization: 'Bearer k', ok: 1 } }],
      spanContext: () => ({ traceId: '1'.repeat(32), spanId: '2'.repeat(16), traceFlags: 1 }),
    } as unknown as ReadableSpan;
    new RedactingSpanExporter(inner).export([span], () => undefined);
    const [out] = inner.getFinishedSpans();
    expect(out!.attributes).toEqual({ 'url.full': 'https://h/p' });
    expect(out!.events[0]!.attributes).toEqual({ ok: 1 });
    expect(out!.spanContext().spanId).toBe('2'.repeat(16)); // the rest is the span's own
    expect(span.attributes['url.full']).toBe('https://h/p?token=t'); // the original is untouched
  });
});
