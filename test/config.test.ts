import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../common/config.js';
import { DEFAULT_APPROVAL_POLICY } from '../domain/approval-policy.js';

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
  it('has working defaults on an empty environment, with sandbox on', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 8080, sandbox: true, adminKeyFromEnv: false, temporal: { address: undefined, namespace: 'default', uiPort: 8233 } });
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

  it('takes WORKFLOW_BUNDLE_PATH only when the file is there, naming the command that builds it', () => {
    expect(problemsOf({ WORKFLOW_BUNDLE_PATH: join(tmpdir(), 'no-such-bundle.js') })).toEqual([expect.stringMatching(/^WORKFLOW_BUNDLE_PATH.*npm run bundle:workflows/)]);
    const path = join(mkdtempSync(join(tmpdir(), 'bundle-')), 'workflow-bundle.js');
    writeFileSync(path, '// bundle');
    expect(loadConfig({ WORKFLOW_BUNDLE_PATH: path }).temporal.workflowBundlePath).toBe(path);
    expect(loadConfig({}).temporal.workflowBundlePath).toBeUndefined();
  });

  it('reads SWITCHYARD_ALLOWED_ORIGINS as a comma-separated origin list, empty (same-origin) by default', () => {
    expect(loadConfig({}).allowedOrigins).toEqual([]);
    expect(loadConfig({ SWITCHYARD_ALLOWED_ORIGINS: 'https://console.example.com, http://localhost:3000 ,' }).allowedOrigins)
      .toEqual(['https://console.example.com', 'http://localhost:3000']);
    expect(loadConfig({ SWITCHYARD_ALLOWED_ORIGINS: '*' }).allowedOrigins).toEqual(['*']);
    expect(problemsOf({ SWITCHYARD_ALLOWED_ORIGINS: 'https://ok.example,console.example.com/path' }).join()).toContain('SWITCHYARD_ALLOWED_ORIGINS');
  });

  it('takes DEPLOY_HOOK_FUNCTION as Lambda names it (name, name:alias, partial or full ARN) and refuses anything else', () => {
    expect(loadConfig({}).deploy.target.hookFunction).toBeUndefined();
    for (const fn of ['CodeDeployHook_switchyard', 'CodeDeployHook_switchyard:live', '123456789012:function:CodeDeployHook_x',
      'arn:aws:lambda:ap-northeast-2:123456789012:function:CodeDeployHook_switchyard', 'arn:aws-cn:lambda:cn-north-1:123456789012:function:f:$LATEST']) {
      expect(loadConfig({ DEPLOY_HOOK_FUNCTION: fn }).deploy.target.hookFunction, fn).toBe(fn);
    }
    for (const fn of ['has space', 'arn:aws:lambda:ap-northeast-2:123:function:x', 'arn:aws:s3:::bucket', `f${'x'.repeat(64)}`]) {
      expect(problemsOf({ DEPLOY_HOOK_FUNCTION: fn }).join(), fn).toContain('DEPLOY_HOOK_FUNCTION');
    }
  });

  it('takes DEPLOY_APPROVAL_POLICIES as JSON or @file: a default and per-service policies over DEFAULT_APPROVAL_POLICY', () => {
    expect(loadConfig({}).deploy.approvalPolicies.for('c/s')).toEqual(DEFAULT_APPROVAL_POLICY);
    const policies = loadConfig({ DEPLOY_APPROVAL_POLICIES: JSON.stringify({
      default: { deployerMayApprove: false },
      services: { 'prod/payments': { approvals: 2, roles: ['approver'], slackGroups: ['S0PAYMENTS'], rollbackReasonRequired: true } },
    }) }).deploy.approvalPolicies;
    expect(policies.for('prod/shop')).toEqual({ ...DEFAULT_APPROVAL_POLICY, deployerMayApprove: false });
    expect(policies.for('prod/payments')).toEqual({
      ...DEFAULT_APPROVAL_POLICY, deployerMayApprove: false, approvals: 2, roles: ['approver'], slackGroups: ['S0PAYMENTS'], rollbackReasonRequired: true,
    });
    const gate = loadConfig({ DEPLOY_APPROVAL_POLICIES: JSON.stringify({ default: {
      watch: { intervalSeconds: 30, maxErrorRate: 0.05, maxP95Ms: 800 },
      onTimeout: { action: 'escalate', slackGroup: 'S0ONCALL', hardLimitSeconds: 7200 },
    } }) }).deploy.approvalPolicies.for('a/b');
    expect(gate.watch).toEqual({ intervalMs: 30_000, maxErrorRate: 0.05, maxP95Ms: 800, windows: 3, dryRun: false });
    expect(gate.onTimeout).toEqual({ action: 'escalate', slackGroup: 'S0ONCALL', hardLimitMs: 7_200_000 });
    expect(problemsOf({ DEPLOY_APPROVAL_POLICIES: JSON.stringify({ default: { onTimeout: { action: 'promote' } } }) }).join()).toContain('default.onTimeout');
    expect(problemsOf({ DEPLOY_APPROVAL_POLICIES: JSON.stringify({ default: { onTimeout: { action: 'extend' } } }) }).join()).toContain('extendSeconds');
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

  it('turns sandbox off by default when real service configuration is present, unless forced on', () => {
    expect(loadConfig({ AWS_REGION: 'ap-northeast-2' }).sandbox).toBe(false);
    expect(loadConfig({ AWS_REGION: 'ap-northeast-2', SWITCHYARD_SANDBOX: 'true' }).sandbox).toBe(true);
  });

  it('parses role:key lists and puts SWITCHYARD_API_KEY first as admin', () => {
    const config = loadConfig({ SWITCHYARD_API_KEY: 'a'.repeat(20), SWITCHYARD_API_KEYS: `viewer:${'v'.repeat(16)}, approver:${'p'.repeat(16)}` });
    expect(config.apiKeys.map((k) => k.role)).toEqual(['admin', 'viewer', 'approver']);
    expect(problemsOf({ SWITCHYARD_API_KEYS: 'root:xxxxxxxxxxxxxxxxxxxx' })[0]).toMatch(/^SWITCHYARD_API_KEYS/);
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

    expect(problemsOf({ DATABASE_URL: 'mysql://localhost/switchyard', SWITCHYARD_ENCRYPTION_KEY: key })[0]).toMatch(/^DATABASE_URL: must be a postgres:\/\/ or postgresql:\/\/ URL/);
    expect(problemsOf({ DATABASE_URL: 'not a url', SWITCHYARD_ENCRYPTION_KEY: key })[0]).toMatch(/^DATABASE_URL/);
  });
});
