// Temporal connection settings as the SDK's envconfig reads them (variables and a temporal.toml
// profile), folded into Switchyard's one configuration, with the mistakes the SDK would pass over
// silently named. The cluster suite (test/cluster/temporal-auth.test.ts) uses them against a real
// server with mTLS and with a JWT authorizer.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../common/config/config.js';
import { connectionOptions } from '../../common/temporal/connection.js';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

const dir = mkdtempSync(join(tmpdir(), 'temporal-conn-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const CA = file('ca.pem', '-----BEGIN CERTIFICATE-----\nca\n-----END CERTIFICATE-----\n');
const CRT = file('client.pem', '-----BEGIN CERTIFICATE-----\nclient\n-----END CERTIFICATE-----\n');
const KEY = file('client.key', '-----BEGIN PRIVATE KEY-----\nkey\n-----END PRIVATE KEY-----\n');
const bytes = (text: string) => new TextEncoder().encode(text);

describe('Temporal connection settings', () => {
  it('is a plain connection with no credentials when nothing is set', () => {
    const { temporal } = loadConfig({ TEMPORAL_ADDRESS: 'temporal:7233' });
    expect(temporal.credentials).toEqual({ tls: undefined, apiKey: undefined, metadata: undefined });
    expect(connectionOptions('temporal:7233', temporal.credentials)).toEqual({ address: 'temporal:7233' });
  });

  it('takes mTLS from TEMPORAL_TLS_* files: the CA, the client pair and the server name, read once', () => {
    const { temporal } = loadConfig({
      TEMPORAL_ADDRESS: '10.0.0.5:7233',
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: CA,
      TEMPORAL_TLS_CLIENT_CERT_PATH: CRT,
      TEMPORAL_TLS_CLIENT_KEY_PATH: KEY,
      TEMPORAL_TLS_SERVER_NAME: 'frontend.temporal.internal',
    });
    expect(temporal.credentials.tls).toEqual({
      serverNameOverride: 'frontend.temporal.internal',
      serverRootCACertificate: bytes('-----BEGIN CERTIFICATE-----\nca\n-----END CERTIFICATE-----\n'),
      clientCertPair: {
        crt: bytes('-----BEGIN CERTIFICATE-----\nclient\n-----END CERTIFICATE-----\n'),
        key: bytes('-----BEGIN PRIVATE KEY-----\nkey\n-----END PRIVATE KEY-----\n'),
      },
    });
  });

  it('turns TLS on with an API key alone (Temporal Cloud), and takes the namespace', () => {
    const { temporal } = loadConfig({
      TEMPORAL_ADDRESS: 'eu-west-1.aws.api.temporal.io:7233',
      TEMPORAL_NAMESPACE: 'switchyard.a1b2c',
      TEMPORAL_API_KEY: 'cloud-api-key',
    });
    expect(temporal).toMatchObject({
      address: 'eu-west-1.aws.api.temporal.io:7233',
      namespace: 'switchyard.a1b2c',
      credentials: { tls: true, apiKey: 'cloud-api-key' },
    });
    expect(connectionOptions(temporal.address!, temporal.credentials)).toEqual({
      address: 'eu-west-1.aws.api.temporal.io:7233',
      tls: true,
      apiKey: 'cloud-api-key',
    });
  });

  it('reads a temporal.toml profile (TEMPORAL_CONFIG_FILE, TEMPORAL_PROFILE), variables over it', () => {
    const toml = file(
      'temporal.toml',
      [
        '[profile.prod]',
        'address = "prod.tmprl.cloud:7233"',
        'namespace = "prod.acct"',
        '[profile.prod.tls]',
        `client_cert_path = "${CRT}"`,
        `client_key_path = "${KEY}"`,
        '',
      ].join('\n'),
    );
    const { temporal } = loadConfig({ TEMPORAL_CONFIG_FILE: toml, TEMPORAL_PROFILE: 'prod' });
    expect(temporal).toMatchObject({ address: 'prod.tmprl.cloud:7233', namespace: 'prod.acct' });
    expect((temporal.credentials.tls as { clientCertPair?: unknown }).clientCertPair).toBeDefined();
    expect(loadConfig({ TEMPORAL_CONFIG_FILE: toml, TEMPORAL_PROFILE: 'prod', TEMPORAL_NAMESPACE: 'other' }).temporal.namespace).toBe(
      'other',
    );
    expect(loadConfig({ TEMPORAL_CONFIG_FILE: toml }).temporal).toMatchObject({ address: undefined, namespace: 'default' });
  });

  it('names each mistake the SDK would pass over or throw deep inside', () => {
    const missing = join(dir, 'nope.pem');
    expect(problemsOf({ TEMPORAL_CONFIG_FILE: join(dir, 'nope.toml') })).toEqual([
      `TEMPORAL_CONFIG_FILE: no such file: ${join(dir, 'nope.toml')}`,
    ]);
    expect(problemsOf({ TEMPORAL_CONFIG_FILE: file('empty.toml', ''), TEMPORAL_PROFILE: 'prod' }).join()).toMatch(
      /^TEMPORAL_PROFILE: no \[profile.prod\] in TEMPORAL_CONFIG_FILE/,
    );
    expect(
      problemsOf({ TEMPORAL_CONFIG_FILE: file('other.toml', '[profile.dev]\naddress = "x:1"\n'), TEMPORAL_PROFILE: 'prod' }).join(),
    ).toMatch(/^TEMPORAL_PROFILE: no \[profile.prod\]/);
    expect(problemsOf({ TEMPORAL_CONFIG_FILE: file('typo.toml', '[profile.default]\nadress = "x:1"\n') }).join()).toMatch(
      /unrecognized.*adress/,
    );
    expect(problemsOf({ TEMPORAL_ADDRESS: 'a:1', TEMPORAL_TLS_SERVER_CA_CERT_PATH: missing }).join()).toContain(
      `cannot read ${missing}: no such file`,
    );
    expect(problemsOf({ TEMPORAL_ADDRESS: 'a:1', TEMPORAL_TLS_CLIENT_CERT_PATH: CRT })).toEqual([
      expect.stringMatching(/mTLS needs both the client certificate and its key/),
    ]);
    expect(
      problemsOf({
        TEMPORAL_ADDRESS: 'a:1',
        TEMPORAL_TLS_CLIENT_CERT_PATH: CRT,
        TEMPORAL_TLS_CLIENT_CERT_DATA: 'x',
        TEMPORAL_TLS_CLIENT_KEY_PATH: KEY,
      }).join(),
    ).toContain('Cannot specify both client_cert_path and client_cert_data');
    expect(problemsOf({ TEMPORAL_ADDRESS: 'a:1', TEMPORAL_TLS: 'true', TEMPORAL_TLS_DISABLE_HOST_VERIFICATION: 'true' }).join()).toMatch(
      /^TEMPORAL_TLS_DISABLE_HOST_VERIFICATION: not supported/,
    );
    expect(problemsOf({ TEMPORAL_CONFIG_FILE: file('bad-address.toml', '[profile.default]\naddress = "no port"\n') })).toEqual([
      expect.stringMatching(/temporal.toml profile: must be host:port/),
    ]);
    // Credentials with no address would be dropped on the embedded dev server: refused instead.
    expect(problemsOf({ TEMPORAL_API_KEY: 'k' })).toEqual([expect.stringMatching(/^TEMPORAL_ADDRESS: required with TEMPORAL_API_KEY/)]);
    expect(problemsOf({ TEMPORAL_TLS: 'false', TEMPORAL_TLS_DISABLE_HOST_VERIFICATION: 'false' })).toEqual([]);
  });

  it('never puts a secret in a problem message', () => {
    const problems = problemsOf({ TEMPORAL_API_KEY: 'super-secret-api-key', TEMPORAL_TLS_CLIENT_KEY_DATA: 'super-secret-key-pem' });
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.join('\n')).not.toMatch(/super-secret/);
  });
});
