// What leaves the process in a span: URLs without their query string or user info (a query may
// carry `?token=`, a presigned signature or an API key), and no attribute that names a header or
// a credential (Authorization, cookies, tokens, keys). Applied to every exported span (API,
// workflow, activity, outgoing HTTP), whatever instrumentation recorded it.
import type { Attributes, AttributeValue } from '@opentelemetry/api';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';

const URL_KEYS = new Set(['url.full', 'http.url', 'http.target', 'url.original', 'server.address.full']);
const DROPPED_KEYS = new Set(['url.query', 'http.request.query']);
const SECRET_KEY = /authorization|cookie|token|secret|password|api[-_.]?key|credential|signature|header/i;

/** `url` without `?query`, `#fragment` and `user:pass@`. */
export function stripUrl(url: string): string {
  const bare = url.split(/[?#]/, 1)[0]!;
  return bare.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');
}

export function redactAttributes(attributes: Attributes): Attributes {
  const out: Attributes = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (DROPPED_KEYS.has(key) || SECRET_KEY.test(key)) continue;
    out[key] = URL_KEYS.has(key) && typeof value === 'string' ? stripUrl(value) : (value as AttributeValue | undefined);
  }
  return out;
}

/** The span as exporters read it, with redacted attributes (its events' too); the rest is the span's own. */
function redactSpan(span: ReadableSpan): ReadableSpan {
  const events = span.events.map((event) => (event.attributes ? { ...event, attributes: redactAttributes(event.attributes) } : event));
  return Object.create(span, {
    attributes: { value: redactAttributes(span.attributes), enumerable: true },
    events: { value: events, enumerable: true },
  }) as ReadableSpan;
}

export class RedactingSpanExporter implements SpanExporter {
  constructor(private readonly inner: SpanExporter) {}

  export(spans: ReadableSpan[], resultCallback: Parameters<SpanExporter['export']>[1]): void {
    this.inner.export(spans.map(redactSpan), resultCallback);
  }
  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}
