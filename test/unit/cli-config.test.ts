// Where the CLI keeps its key: `switchyard login` checks it against the real app's GET /api/v1/me
// and writes it 0600 in a 0700 folder whatever the umask; the environment wins over the file.
import { chmodSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// The real app for GET /api/v1/me, which needs no Temporal: its client connects lazily, never here.
import { buildOfflineApp } from '../../api/offline-app.js';
import { configPath, isTooOpen, resolveConfig, writeConfigFile } from '../../cli/config.js';
import { createProgram } from '../../cli/program.js';
import type { Io } from '../../cli/output.js';

const mode = (path: string) => statSync(path).mode & 0o777;

function io(env: Record<string, string>, stdin = '') {
  let stdout = '';
  let stderr = '';
  const value: Io = {
    stdout: {
      write: (s: string) => {
        stdout += s;
      },
    },
    stderr: {
      write: (s: string) => {
        stderr += s;
      },
    },
    env,
    readStdin: async () => stdin,
  };
  return {
    value,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
  };
}

describe('the config file', () => {
  it('is written 0600 in a 0700 folder, even with umask 000 and over a file that was 0644', () => {
    const home = mkdtempSync(join(tmpdir(), 'switchyard-cli-home-'));
    const path = configPath({ HOME: home });
    expect(path).toBe(join(home, '.config', 'switchyard', 'config.json'));
    const previous = process.umask(0);
    try {
      writeConfigFile(path, { url: 'http://a', apiKey: 'k1' });
      expect(mode(path)).toBe(0o600);
      expect(mode(join(home, '.config', 'switchyard'))).toBe(0o700);
      writeFileSync(path, '{}');
      chmodSync(path, 0o644);
      expect(isTooOpen(path)).toBe(true);
      writeConfigFile(path, { url: 'http://b', apiKey: 'k2' });
      expect(mode(path)).toBe(0o600);
      expect(isTooOpen(path)).toBe(false);
    } finally {
      process.umask(previous);
    }
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ url: 'http://b', apiKey: 'k2' });
  });

  it('follows XDG_CONFIG_HOME and SWITCHYARD_CONFIG', () => {
    expect(configPath({ HOME: '/h', XDG_CONFIG_HOME: '/x' })).toBe('/x/switchyard/config.json');
    expect(configPath({ HOME: '/h', SWITCHYARD_CONFIG: '/c.json' })).toBe('/c.json');
  });

  it('gives way to SWITCHYARD_URL and SWITCHYARD_API_KEY, field by field; neither is a usage error', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'switchyard-cli-')), 'config.json');
    writeConfigFile(path, { url: 'http://file.example/', apiKey: 'file-key' });
    expect(resolveConfig({ SWITCHYARD_CONFIG: path })).toMatchObject({ url: 'http://file.example', apiKey: 'file-key' });
    expect(resolveConfig({ SWITCHYARD_CONFIG: path, SWITCHYARD_API_KEY: 'env-key' })).toMatchObject({
      url: 'http://file.example',
      apiKey: 'env-key',
    });
    expect(() => resolveConfig({ SWITCHYARD_CONFIG: join(path, '..', 'none.json') })).toThrow(expect.objectContaining({ exitCode: 2 }));
  });
});

describe('switchyard login', () => {
  const approverKey = 'cli-approver-key-0123456789';
  const app = buildOfflineApp({
    dataDir: mkdtempSync(join(tmpdir(), 'switchyard-cli-app-')),
    name: 'cli-login',
    key: { label: 'test approver', role: 'approver', secret: approverKey },
    slack: false,
  });
  const fetchApp = ((request: Request) => app.fetch(request)) as typeof fetch;

  it('checks the key against the server, then saves it 0600', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'switchyard-cli-')), 'nested', 'config.json');
    const run = io({ SWITCHYARD_CONFIG: path }, `${approverKey}\n`);
    const code = await createProgram(run.value, fetchApp).run([
      'login',
      '--url',
      'http://switchyard.test/',
      '--api-key-stdin',
      '--output',
      'json',
    ]);
    expect(code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ url: 'http://switchyard.test', label: 'test approver', role: 'approver', config: path });
    expect(mode(path)).toBe(0o600);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ url: 'http://switchyard.test', apiKey: approverKey });
  });

  it('saves nothing for a key the server refuses (exit 3), and wants a key from stdin or the environment (exit 2)', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'switchyard-cli-')), 'config.json');
    const wrong = io({ SWITCHYARD_CONFIG: path }, 'not-a-key-0123456789');
    expect(await createProgram(wrong.value, fetchApp).run(['login', '--url', 'http://switchyard.test', '--api-key-stdin'])).toBe(3);
    expect(wrong.stderr).toMatch(/^switchyard: 401 Unauthorized: .+\n$/);
    expect(existsSync(path)).toBe(false);
    const none = io({ SWITCHYARD_CONFIG: path });
    expect(await createProgram(none.value, fetchApp).run(['login', '--url', 'http://switchyard.test'])).toBe(2);
    expect(existsSync(path)).toBe(false);
  });
});
