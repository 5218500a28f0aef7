// The per-key limits come from the environment, parsed once with the rest of the configuration:
// defaults that bound one client, 0 to turn a rate off, and a wrong value named at start.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../common/config/config.js';

const base = { SWITCHYARD_SANDBOX: 'true' };

describe('per-key limits configuration', () => {
  it("defaults to limits that bound one client, with keys still accepted in URLs for the seeds' clients", () => {
    expect(loadConfig(base).keyLimits).toEqual({
      ratePerMinute: { read: 1200, write: 300, start: 60 },
      sseStreamsPerKey: 200,
      wsWatchedIds: 100,
      wsNewIdsPerMinute: 300,
      keysInUrls: true,
    });
  });

  it('takes each limit from its variable; 0 turns a rate or the stream cap off', () => {
    const config = loadConfig({
      ...base,
      SWITCHYARD_RATE_LIMIT_READS: '0',
      SWITCHYARD_RATE_LIMIT_WRITES: '30',
      SWITCHYARD_RATE_LIMIT_STARTS: '5',
      SWITCHYARD_SSE_STREAMS_PER_KEY: '10100',
      SWITCHYARD_WS_WATCHED_IDS: '20',
      SWITCHYARD_WS_NEW_IDS_PER_MINUTE: '40',
      SWITCHYARD_KEYS_IN_URLS: 'false',
    });
    expect(config.keyLimits).toEqual({
      ratePerMinute: { read: 0, write: 30, start: 5 },
      sseStreamsPerKey: 10100,
      wsWatchedIds: 20,
      wsNewIdsPerMinute: 40,
      keysInUrls: false,
    });
  });

  it('names a wrong value at start', () => {
    for (const [name, value] of [
      ['SWITCHYARD_RATE_LIMIT_READS', '-1'],
      ['SWITCHYARD_SSE_STREAMS_PER_KEY', 'many'],
      ['SWITCHYARD_WS_WATCHED_IDS', '0'],
      ['SWITCHYARD_KEYS_IN_URLS', 'maybe'],
    ] as const) {
      expect(() => loadConfig({ ...base, [name]: value })).toThrow(ConfigError);
      expect(() => loadConfig({ ...base, [name]: value })).toThrow(name);
    }
  });
});
