import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../common/config/config.js';
import { DEFAULT_APPROVAL_POLICY } from '../../domain/approval-policy.js';
import { sha256Hex } from '../../common/keys/api-keys.js';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('configuration', () => {
  it('has working defaults on an empty environment, with sandbox off', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 8080,
      sandbox: false,
      adminKeyFromEnv: false,
      temporal: { address: undefined, namespace: 'default', uiPort: 8233 },
    });
    expect(config.apiKeys).toEqual([]);
  });

  it('names each wrong variable', () => {
    const problems = problemsOf({ PORT: 'eighty', TEMPORAL_ADDRESS: 'no-port', SWITCHYARD_SANDBOX: 'maybe', SWITCHYARD_API_KEY: 'short' });
    expect(problems.join('\n')).toMatch(/PORT/);
    expect(problems.find((p) => p.startsWith('TEMPORAL_ADDRESS'))).toContain('host:port');
    expect(problems.some((p) => p.startsWith('SWITCHYARD_SANDBOX'))).toBe(true);
    expect(problems.some((p) => p.startsWith('SWITCHYARD_API_KEY'))).toBe(true);
    expect(problems).toHaveLength(4);
  });

  it('takes WORKER_HEALTH_PORT as a port, and serves no worker probes without it', () => {
    expect(loadConfig({}).workerHealthPort).toBeUndefined();
    expect(loadConfig({ WORKER_HEALTH_PORT: '9090' }).workerHealthPort).toBe(9090);
    expect(problemsOf({ WORKER_HEALTH_PORT: 'ninety' })).toEqual([expect.stringMatching(/^WORKER_HEALTH_PORT/)]);
    expect(problemsOf({ WORKER_HEALTH_PORT: '70000' })).toEqual([expect.stringMatching(/^WORKER_HEALTH_PORT/)]);
  });

  it('turns tracing on only with an OTLP endpoint, resolving the traces URL as the OTLP spec does', () => {
    expect(loadConfig({}).tracing).toEqual({ tracesEndpoint: undefined, serviceName: undefined });
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }).tracing.tracesEndpoint).toBe(
      'http://collector:4318/v1/traces',
    );
    expect(
      loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://tempo:443/otlp/traces' })
        .tracing.tracesEndpoint,
    ).toBe('https://tempo:443/otlp/traces');
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SDK_DISABLED: 'true' }).tracing.tracesEndpoint).toBeUndefined();
    expect(loadConfig({ OTEL_SERVICE_NAME: 'switchyard-api-eu' }).tracing.serviceName).toBe('switchyard-api-eu');
    expect(problemsOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toEqual([
      expect.stringMatching(/^OTEL_EXPORTER_OTLP_ENDPOINT: must be an http\(s\) URL/),
    ]);
    expect(problemsOf({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'grpc://c:4317' })).toEqual([
      expect.stringMatching(/^OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: must be an http\(s\) URL/),
    ]);
  });

  it('gives the worker room for a watch per held gate, and takes WORKER_MAX_CONCURRENT_ACTIVITIES as a positive count', () => {
    expect(loadConfig({}).temporal.maxConcurrentActivities).toBe(1000);
    expect(loadConfig({ WORKER_MAX_CONCURRENT_ACTIVITIES: '250' }).temporal.maxConcurrentActivities).toBe(250);
    expect(() => loadConfig({ WORKER_MAX_CONCURRENT_ACTIVITIES: '0' })).toThrow(/WORKER_MAX_CONCURRENT_ACTIVITIES/);
  });

  it('bounds every update the API sends by TEMPORAL_UPDATE_TIMEOUT_SECONDS, reading its earlier admission-only name when unset', () => {
    expect(loadConfig({}).temporal.updateTimeoutMs).toBe(60_000);
    expect(loadConfig({ TEMPORAL_UPDATE_TIMEOUT_SECONDS: '15' }).temporal.updateTimeoutMs).toBe(15_000);
    expect(loadConfig({ DEPLOY_ADMISSION_TIMEOUT_SECONDS: '90' }).temporal.updateTimeoutMs).toBe(90_000);
    expect(loadConfig({ TEMPORAL_UPDATE_TIMEOUT_SECONDS: '15', DEPLOY_ADMISSION_TIMEOUT_SECONDS: '90' }).temporal.updateTimeoutMs).toBe(
      15_000,
    );
    for (const wrong of ['0', '601', '1.5', 'soon'])
      expect(problemsOf({ TEMPORAL_UPDATE_TIMEOUT_SECONDS: wrong })).toEqual([expect.stringMatching(/^TEMPORAL_UPDATE_TIMEOUT_SECONDS/)]);
  });

  it('takes WORKFLOW_BUNDLE_PATH only when the file is there, naming the command that builds it', () => {
    expect(problemsOf({ WORKFLOW_BUNDLE_PATH: join(tmpdir(), 'no-such-bundle.js') })).toEqual([
      expect.stringMatching(/^WORKFLOW_BUNDLE_PATH.*npm run bundle:workflows/),
    ]);
    const path = join(mkdtempSync(join(tmpdir(), 'bundle-')), 'workflow-bundle.js');
    writeFileSync(path, '// bundle');
    expect(loadConfig({ WORKFLOW_BUNDLE_PATH: path }).temporal.workflowBundlePath).toBe(path);
    expect(loadConfig({}).temporal.workflowBundlePath).toBeUndefined();
  });

  it('reads SWITCHYARD_ALLOWED_ORIGINS as a comma-separated origin list, empty (same-origin) by default', () => {
    expect(loadConfig({}).allowedOrigins).toEqual([]);
    expect(loadConfig({ SWITCHYARD_ALLOWED_ORIGINS: 'https://console.example.com, http://localhost:3000 ,' }).allowedOrigins).toEqual([
      'https://console.example.com',
      'http://localhost:3000',
    ]);
    expect(loadConfig({ SWITCHYARD_ALLOWED_ORIGINS: '*' }).allowedOrigins).toEqual(['*']);
    expect(problemsOf({ SWITCHYARD_ALLOWED_ORIGINS: 'https://ok.example,console.example.com/path' }).join()).toContain(
      'SWITCHYARD_ALLOWED_ORIGINS',
    );
  });

  it('takes DEPLOY_HOOK_FUNCTION as Lambda names it (name, name:alias, partial or full ARN) and refuses anything else', () => {
    expect(loadConfig({}).deploy.target.hookFunction).toBeUndefined();
    for (const fn of [
      'CodeDeployHook_switchyard',
      'CodeDeployHook_switchyard:live',
      '123456789012:function:CodeDeployHook_x',
      'arn:aws:lambda:ap-northeast-2:123456789012:function:CodeDeployHook_switchyard',
      'arn:aws-cn:lambda:cn-north-1:123456789012:function:f:$LATEST',
    ]) {
      expect(loadConfig({ DEPLOY_HOOK_FUNCTION: fn }).deploy.target.hookFunction, fn).toBe(fn);
    }
    for (const fn of ['has space', 'arn:aws:lambda:ap-northeast-2:123:function:x', 'arn:aws:s3:::bucket', `f${'x'.repeat(64)}`]) {
      expect(problemsOf({ DEPLOY_HOOK_FUNCTION: fn }).join(), fn).toContain('DEPLOY_HOOK_FUNCTION');
    }
  });

  it('takes DEPLOY_HOOK_ROLE_ARN as an IAM role ARN into the target defaults, and refuses anything else', () => {
    expect(loadConfig({}).deploy.target.hookRoleArn).toBeUndefined();
    const role = 'arn:aws:iam::123456789012:role/ecsLambdaHookRole';
    expect(loadConfig({ DEPLOY_HOOK_ROLE_ARN: role }).deploy.target.hookRoleArn).toBe(role);
    for (const bad of ['ecsLambdaHookRole', 'arn:aws:iam::123456789012:user/u'])
      expect(problemsOf({ DEPLOY_HOOK_ROLE_ARN: bad }).join(), bad).toContain('DEPLOY_HOOK_ROLE_ARN');
  });

  it('takes DEPLOY_APPROVAL_POLICIES as JSON or @file: a default and per-service policies over DEFAULT_APPROVAL_POLICY', () => {
    expect(loadConfig({}).deploy.approvalPolicies.for('c/s')).toEqual(DEFAULT_APPROVAL_POLICY);
    const policies = loadConfig({
      DEPLOY_APPROVAL_POLICIES: JSON.stringify({
        default: { deployerMayApprove: false },
        services: { 'prod/payments': { approvals: 2, roles: ['approver'], slackGroups: ['S0PAYMENTS'], rollbackReasonRequired: true } },
      }),
    }).deploy.approvalPolicies;
    expect(policies.for('prod/shop')).toEqual({ ...DEFAULT_APPROVAL_POLICY, deployerMayApprove: false });
    expect(policies.for('prod/payments')).toEqual({
      ...DEFAULT_APPROVAL_POLICY,
      deployerMayApprove: false,
      approvals: 2,
      roles: ['approver'],
      slackGroups: ['S0PAYMENTS'],
      rollbackReasonRequired: true,
    });
    const gate = loadConfig({
      DEPLOY_APPROVAL_POLICIES: JSON.stringify({
        default: {
          watch: { intervalSeconds: 30, maxErrorRate: 0.05, maxP95Ms: 800 },
          onTimeout: { action: 'escalate', slackGroup: 'S0ONCALL', hardLimitSeconds: 7200 },
        },
      }),
    }).deploy.approvalPolicies.for('a/b');
    expect(gate.watch).toEqual({ intervalMs: 30_000, maxErrorRate: 0.05, maxP95Ms: 800, windows: 3, dryRun: false });
    expect(gate.onTimeout).toEqual({ action: 'escalate', slackGroup: 'S0ONCALL', hardLimitMs: 7_200_000 });
    expect(problemsOf({ DEPLOY_APPROVAL_POLICIES: JSON.stringify({ default: { onTimeout: { action: 'promote' } } }) }).join()).toContain(
      'default.onTimeout',
    );
    expect(problemsOf({ DEPLOY_APPROVAL_POLICIES: JSON.stringify({ default: { onTimeout: { action: 'extend' } } }) }).join()).toContain(
      'extendSeconds',
    );
    const file = join(mkdtempSync(join(tmpdir(), 'policies-')), 'policies.json');
    writeFileSync(file, JSON.stringify({ default: { approvals: 3 } }));
    expect(loadConfig({ DEPLOY_APPROVAL_POLICIES: `@${file}` }).deploy.approvalPolicies.for('a/b').approvals).toBe(3);
    for (const [raw, says] of [
      ['not json', 'must be JSON'],
      [JSON.stringify({ default: { approvals: 0 } }), 'default.approvals'],
      [JSON.stringify({ services: { payments: {} } }), 'cluster/service'],
      [JSON.stringify({ default: { roles: ['root'] } }), 'default.roles.0'],
      [JSON.stringify({ default: { slackGroups: ['U123'] } }), 'Slack id starting with S'],
      [JSON.stringify({ default: { approval: 2 } }), 'approval'],
      ['@/nonexistent/policies.json', 'cannot read'],
    ] as const) {
      const problems = problemsOf({ DEPLOY_APPROVAL_POLICIES: raw }).join();
      expect(problems, raw).toContain('DEPLOY_APPROVAL_POLICIES');
      expect(problems, raw).toContain(says);
    }
  });

  it('turns sandbox on only when SWITCHYARD_SANDBOX asks for it, whatever else is missing', () => {
    expect(loadConfig({}).sandbox).toBe(false);
    expect(loadConfig({ SLACK_SIGNING_SECRET: '' }).sandbox).toBe(false);
    expect(loadConfig({ SWITCHYARD_SANDBOX: 'false' }).sandbox).toBe(false);
    expect(loadConfig({ SWITCHYARD_SANDBOX: 'true' }).sandbox).toBe(true);
    expect(loadConfig({ AWS_REGION: 'ap-northeast-2', SWITCHYARD_SANDBOX: 'true' }).sandbox).toBe(true);
  });

  it('parses label:role:key lists and puts SWITCHYARD_API_KEY first as admin, holding digests only', () => {
    const config = loadConfig({
      SWITCHYARD_API_KEY: 'a'.repeat(20),
      SWITCHYARD_API_KEYS: `ops:viewer:${'v'.repeat(16)}, alice:approver:${'p'.repeat(16)}`,
    });
    expect(config.apiKeys.map((k) => [k.label, k.role])).toEqual([
      ['SWITCHYARD_API_KEY', 'admin'],
      ['ops', 'viewer'],
      ['alice', 'approver'],
    ]);
    expect(config.apiKeys[2]!.sha256).toBe(sha256Hex('p'.repeat(16)));
    expect(JSON.stringify(config)).not.toContain('p'.repeat(16));
    // A key may itself hold ':'.
    expect(loadConfig({ SWITCHYARD_API_KEYS: 'ci:deployer:abc:def:0123456789abcdef' }).apiKeys[0]!.sha256).toBe(
      sha256Hex('abc:def:0123456789abcdef'),
    );
    expect(problemsOf({ SWITCHYARD_API_KEYS: 'alice:root:xxxxxxxxxxxxxxxxxxxx' })[0]).toMatch(
      /^SWITCHYARD_API_KEYS: entry 1: must be label:role:key/,
    );
    expect(problemsOf({ SWITCHYARD_API_KEYS: 'alice:viewer:short' })).toEqual([
      'SWITCHYARD_API_KEYS: entry 1 (alice): the key must be at least 16 characters',
    ]);
    expect(problemsOf({ SWITCHYARD_API_KEYS: `slack:U1:viewer:${'k'.repeat(16)}` })[0]).toMatch(
      /^SWITCHYARD_API_KEYS: entry 1: must be label:role:key/,
    );
    expect(problemsOf({ SWITCHYARD_API_KEYS: `a b:viewer:${'k'.repeat(16)}` })[0]).toMatch(/label must be letters/);
  });

  it("refuses today's positional role:key format at start, naming the new one and never echoing a key", () => {
    const secret = 'x'.repeat(20);
    const problems = problemsOf({ SWITCHYARD_API_KEYS: `viewer:${secret},approver:${'y'.repeat(20)}` });
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^SWITCHYARD_API_KEYS: entry 1: role:key entries are no longer accepted: .*position.* label:role:key/);
    expect(problems.join('\n')).not.toContain(secret);
  });

  it('keeps a label on its key whatever the order: reordering the list moves no identity', () => {
    const alice = `alice:approver:${'a'.repeat(20)}`;
    const bob = `bob:approver:${'b'.repeat(20)}`;
    const labelOf = (list: string, key: string) =>
      loadConfig({ SWITCHYARD_API_KEYS: list }).apiKeys.find((k) => k.sha256 === sha256Hex(key));
    expect(labelOf(`${alice},${bob}`, 'a'.repeat(20))).toEqual(labelOf(`${bob},${alice}`, 'a'.repeat(20)));
    expect(labelOf(`${bob},${alice}`, 'a'.repeat(20))).toMatchObject({ label: 'alice' });
  });

  it('refuses duplicate keys, one label with two roles or persons, and reserved labels; allows two keys for one label (rotation)', () => {
    const k = 'k'.repeat(20);
    expect(problemsOf({ SWITCHYARD_API_KEYS: `alice:approver:${k},bob:approver:${k}` })).toEqual([
      'SWITCHYARD_API_KEYS: the same key is configured twice (labels alice and bob): each key must appear once',
    ]);
    expect(problemsOf({ SWITCHYARD_API_KEYS: `alice:approver:${k},alice:admin:${'m'.repeat(20)}` })[0]).toMatch(
      /label alice has keys with roles approver and admin/,
    );
    expect(problemsOf({ SWITCHYARD_API_KEYS: `switchyard:admin:${k}` })[0]).toMatch(/label switchyard is reserved/);
    expect(problemsOf({ SWITCHYARD_API_KEY: k, SWITCHYARD_API_KEYS: `alice:admin:${k}` })).toEqual(
      expect.arrayContaining([expect.stringMatching(/admin key SWITCHYARD_API_KEY is listed again/)]),
    );
    const rotated = loadConfig({ SWITCHYARD_API_KEYS: `alice:approver:${k},alice:approver:${'n'.repeat(20)}` }).apiKeys;
    expect(rotated.map((e) => e.label)).toEqual(['alice', 'alice']);
    expect(new Set(rotated.map((e) => e.id)).size).toBe(2);
  });

  it('reads a keys file of digests, with ids, persons and expiry', () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-keys-'));
    const file = (entries: unknown) => {
      const path = join(dir, `keys-${Math.random().toString(36).slice(2)}.json`);
      writeFileSync(path, JSON.stringify(entries));
      return path;
    };
    const good = file([
      {
        id: 'alice-2026',
        label: 'alice',
        role: 'approver',
        person: 'alice',
        expiresAt: '2027-01-01T00:00:00Z',
        sha256: sha256Hex('a'.repeat(20)).toUpperCase(),
      },
      { id: 'alice-2027', label: 'alice', role: 'approver', person: 'alice', sha256: sha256Hex('b'.repeat(20)) },
    ]);
    const config = loadConfig({ SWITCHYARD_API_KEYS_FILE: good, SWITCHYARD_API_KEYS: `ci:deployer:${'c'.repeat(20)}` });
    expect(config.apiKeys).toEqual([
      expect.objectContaining({ label: 'ci', role: 'deployer' }),
      {
        id: 'alice-2026',
        label: 'alice',
        role: 'approver',
        person: 'alice',
        expiresAt: '2027-01-01T00:00:00.000Z',
        sha256: sha256Hex('a'.repeat(20)),
      },
      { id: 'alice-2027', label: 'alice', role: 'approver', person: 'alice', sha256: sha256Hex('b'.repeat(20)) },
    ]);
    expect(problemsOf({ SWITCHYARD_API_KEYS_FILE: join(dir, 'missing.json') })[0]).toMatch(
      /^SWITCHYARD_API_KEYS_FILE: cannot read .*missing\.json/,
    );
    expect(
      problemsOf({ SWITCHYARD_API_KEYS_FILE: file([{ id: 'x', label: 'x', role: 'viewer', key: 'plain-text-key-123456' }]) }).join('\n'),
    ).toMatch(/sha256.*SHA-256 in hex|Unrecognized key/);
    expect(
      problemsOf({
        SWITCHYARD_API_KEYS_FILE: file([
          { id: 'x', label: 'x', role: 'viewer', sha256: sha256Hex('q'.repeat(20)), expiresAt: 'next year' },
        ]),
      })[0],
    ).toMatch(/expiresAt: must be an ISO 8601 time/);
    expect(
      problemsOf({
        SWITCHYARD_API_KEYS_FILE: file([
          { id: 'same', label: 'x', role: 'viewer', sha256: sha256Hex('q'.repeat(20)) },
          { id: 'same', label: 'y', role: 'viewer', sha256: sha256Hex('r'.repeat(20)) },
        ]),
      }),
    ).toEqual(['SWITCHYARD_API_KEYS: key id same is used twice: ids must be unique']);
    expect(
      problemsOf({
        SWITCHYARD_API_KEYS_FILE: file([
          { id: 'a1', label: 'x', role: 'viewer', person: 'alice', sha256: sha256Hex('q'.repeat(20)) },
          { id: 'a2', label: 'x', role: 'viewer', person: 'bob', sha256: sha256Hex('r'.repeat(20)) },
        ]),
      })[0],
    ).toMatch(/label x has keys of persons alice and bob/);
  });

  it('resolves SWITCHYARD_IDENTITIES: keys and Slack users to people, with clear errors on contradictions', () => {
    const keys = `alice:approver:${'a'.repeat(20)},alice-laptop:approver:${'l'.repeat(20)},bob:approver:${'b'.repeat(20)}`;
    const config = loadConfig({
      SWITCHYARD_API_KEYS: keys,
      SWITCHYARD_IDENTITIES: JSON.stringify({ alice: { apiKeys: ['alice', 'alice-laptop'], slackUsers: ['U0ALICE'] } }),
    });
    expect(config.apiKeys.map((k) => [k.label, k.person])).toEqual([
      ['alice', 'alice'],
      ['alice-laptop', 'alice'],
      ['bob', undefined],
    ]);
    expect(config.slack.people).toEqual({ U0ALICE: 'alice' });

    const dir = mkdtempSync(join(tmpdir(), 'switchyard-identities-'));
    writeFileSync(join(dir, 'people.json'), JSON.stringify({ bob: { slackUsers: ['U0BOB'] } }));
    expect(loadConfig({ SWITCHYARD_IDENTITIES: `@${join(dir, 'people.json')}` }).slack.people).toEqual({ U0BOB: 'bob' });

    const problems = (identities: unknown) =>
      problemsOf({
        SWITCHYARD_API_KEYS: keys,
        SWITCHYARD_IDENTITIES: typeof identities === 'string' ? identities : JSON.stringify(identities),
      });
    expect(problems('{alice')[0]).toMatch(/^SWITCHYARD_IDENTITIES: must be JSON/);
    expect(problems({ alice: { apiKeys: ['nobody'] } })).toEqual([
      'SWITCHYARD_IDENTITIES: alice names API key label nobody, which no configured key has',
    ]);
    expect(problems({ alice: { apiKeys: ['alice'] }, bob: { apiKeys: ['alice'] } })).toEqual([
      'SWITCHYARD_IDENTITIES: API key label alice belongs to both alice and bob',
    ]);
    expect(problems({ alice: { slackUsers: ['U0X'] }, bob: { slackUsers: ['U0X'] } })).toEqual([
      'SWITCHYARD_IDENTITIES: Slack user U0X belongs to both alice and bob',
    ]);
    expect(problems({ alice: { slackUsers: ['alice'] } })[0]).toMatch(
      /^SWITCHYARD_IDENTITIES: alice\.slackUsers\.0: must be a Slack user id/,
    );
    expect(problems({ alice: { emails: [] } })[0]).toMatch(/^SWITCHYARD_IDENTITIES: alice/);
    const dir2 = mkdtempSync(join(tmpdir(), 'switchyard-keys-'));
    writeFileSync(
      join(dir2, 'keys.json'),
      JSON.stringify([{ id: 'k', label: 'carol', role: 'approver', person: 'carol', sha256: sha256Hex('c'.repeat(20)) }]),
    );
    expect(
      problemsOf({
        SWITCHYARD_API_KEYS_FILE: join(dir2, 'keys.json'),
        SWITCHYARD_IDENTITIES: JSON.stringify({ dave: { apiKeys: ['carol'] } }),
      }),
    ).toEqual(["SWITCHYARD_IDENTITIES: API key label carol is dave's here but carol's in its key entry"]);
  });

  it('refuses link-local and metadata addresses in DEPLOY_PROBE_HOSTS', () => {
    for (const hosts of ['169.254.169.254', 'green.example.com,169.254.170.2:80', '[fd00:ec2::254]:80']) {
      expect(problemsOf({ DEPLOY_PROBE_HOSTS: hosts })[0]).toMatch(/^DEPLOY_PROBE_HOSTS: must not name link-local/);
    }
    expect(loadConfig({ DEPLOY_PROBE_HOSTS: 'green.example.com:8080,10.0.0.5' }).deploy.probeHosts).toEqual([
      'green.example.com:8080',
      '10.0.0.5',
    ]);
  });

  it('takes DATABASE_URL only with SWITCHYARD_ENCRYPTION_KEY, which every replica must share', () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    expect(loadConfig({}).databaseUrl).toBeUndefined();
    const url = 'postgresql://switchyard:p%40ss@db.internal:5432/switchyard';
    expect(loadConfig({ DATABASE_URL: url, SWITCHYARD_ENCRYPTION_KEY: key })).toMatchObject({ databaseUrl: url, encryptionKey: key });

    expect(() => loadConfig({ DATABASE_URL: url })).toThrow(ConfigError);
    const problems = problemsOf({ DATABASE_URL: 'postgres://localhost/switchyard' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^SWITCHYARD_ENCRYPTION_KEY: required when DATABASE_URL is set/);
    expect(problems[0]).toContain('replica'); // why: a per-machine key would not open the others' secrets
    expect(problems[0]).toContain('openssl rand -base64 32'); // how

    expect(problemsOf({ DATABASE_URL: 'mysql://localhost/switchyard', SWITCHYARD_ENCRYPTION_KEY: key })[0]).toMatch(
      /^DATABASE_URL: must be a postgres:\/\/ or postgresql:\/\/ URL/,
    );
    expect(problemsOf({ DATABASE_URL: 'not a url', SWITCHYARD_ENCRYPTION_KEY: key })[0]).toMatch(/^DATABASE_URL/);
  });
});
