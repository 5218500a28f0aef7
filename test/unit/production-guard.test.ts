// The production entry points (the image's API and worker commands) start only on a production
// configuration: no sandbox mode, no published sandbox secret, and the variables a replica cannot
// do without. The rules are pure (productionProblems); the entries are spawned as the image runs
// them, with an empty-ish environment, to show they exit non-zero naming what is missing.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { productionProblems, SECRET_VARIABLES } from '../../common/production-guard.js';
import { PUBLISHED_SANDBOX_SECRETS } from '../../common/secrets/sandbox-secrets.js';

const complete = {
  TEMPORAL_ADDRESS: 'temporal.internal:7233',
  SWITCHYARD_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  SWITCHYARD_API_KEY: randomBytes(24).toString('hex'),
};
const named = (problems: string[]) => problems.map((p) => p.split(':')[0]);

describe('production guard rules', () => {
  it('accepts a complete production configuration, for the API and the worker', () => {
    expect(productionProblems(complete, 'api')).toEqual([]);
    expect(productionProblems({ ...complete, SWITCHYARD_API_KEY: undefined }, 'worker')).toEqual([]);
    expect(
      productionProblems({ ...complete, SWITCHYARD_API_KEY: undefined, SWITCHYARD_API_KEYS_FILE: '/run/secrets/keys' }, 'api'),
    ).toEqual([]);
  });

  it('names every missing variable on an empty environment', () => {
    expect(named(productionProblems({}, 'api'))).toEqual(['TEMPORAL_ADDRESS', 'SWITCHYARD_ENCRYPTION_KEY', 'SWITCHYARD_API_KEY']);
    expect(named(productionProblems({}, 'worker'))).toEqual(['TEMPORAL_ADDRESS', 'SWITCHYARD_ENCRYPTION_KEY']);
    // Blank counts as unset, as in loadConfig.
    expect(named(productionProblems({ TEMPORAL_ADDRESS: ' ' }, 'worker'))).toContain('TEMPORAL_ADDRESS');
  });

  it('refuses sandbox mode however it is spelled', () => {
    for (const value of ['true', 'TRUE', '1', 'yes', 'on']) {
      expect(named(productionProblems({ ...complete, SWITCHYARD_SANDBOX: value }, 'api'))).toEqual(['SWITCHYARD_SANDBOX']);
    }
    expect(productionProblems({ ...complete, SWITCHYARD_SANDBOX: 'false' }, 'api')).toEqual([]);
  });

  it('refuses each published sandbox secret in each secret variable', () => {
    for (const name of SECRET_VARIABLES) {
      for (const secret of Object.values(PUBLISHED_SANDBOX_SECRETS)) {
        const problems = productionProblems({ ...complete, [name]: secret }, 'api');
        expect(problems, `${name}=${secret}`).toHaveLength(1);
        expect(problems[0]).toMatch(new RegExp(`^${name}: is the sandbox's published value`));
      }
    }
    // A value of one's own passes.
    expect(productionProblems({ ...complete, SLACK_SIGNING_SECRET: randomBytes(16).toString('hex') }, 'api')).toEqual([]);
  });
});

describe('production entry points', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-guard-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  /** The entry as the image's command runs it, with nothing but PATH, HOME and the given variables. */
  const run = (entry: string, env: Record<string, string>) =>
    spawnSync(process.execPath, ['--import', 'tsx', entry], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', SWITCHYARD_DATA_DIR: dataDir, ...env },
      encoding: 'utf8',
      timeout: 60_000,
    });

  it.each([
    ['api/main.ts', ['TEMPORAL_ADDRESS', 'SWITCHYARD_ENCRYPTION_KEY', 'SWITCHYARD_API_KEY']],
    ['worker/main.ts', ['TEMPORAL_ADDRESS', 'SWITCHYARD_ENCRYPTION_KEY']],
  ])('%s exits 2 with no real configuration, naming each missing variable', { timeout: 90_000 }, (entry, missing) => {
    const result = run(entry, {});
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('refuses to start: not a production configuration');
    for (const name of missing) expect(result.stderr).toMatch(new RegExp(`^  - ${name}: required`, 'm'));
    // It stopped before starting anything: no listener, no worker, nothing written to the data folder.
    expect(result.stdout).not.toMatch(/API listening|worker polling/);
    expect(readdirSync(dataDir)).toEqual([]);
  });

  it.each(['api/main.ts', 'worker/main.ts'])(
    '%s exits 2 in sandbox mode or with the published Slack and hook secrets',
    { timeout: 90_000 },
    (entry) => {
      const result = run(entry, {
        ...complete,
        SWITCHYARD_SANDBOX: 'true',
        SLACK_SIGNING_SECRET: PUBLISHED_SANDBOX_SECRETS.slackSigningSecret,
        SLACK_BOT_TOKEN: PUBLISHED_SANDBOX_SECRETS.slackBotToken,
        CODEDEPLOY_HOOK_SECRET: PUBLISHED_SANDBOX_SECRETS.hookSecret,
      });
      expect(result.status).toBe(2);
      for (const name of ['SWITCHYARD_SANDBOX', 'SLACK_SIGNING_SECRET', 'SLACK_BOT_TOKEN', 'CODEDEPLOY_HOOK_SECRET']) {
        expect(result.stderr).toMatch(new RegExp(`^  - ${name}: `, 'm'));
      }
      // The secret values themselves are never echoed back.
      expect(result.stderr).not.toContain(PUBLISHED_SANDBOX_SECRETS.slackSigningSecret);
      expect(result.stdout).not.toMatch(/API listening|worker polling/);
    },
  );
});
