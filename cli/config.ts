// Where the CLI finds its server and key: SWITCHYARD_URL / SWITCHYARD_API_KEY, else the file
// `switchyard login` wrote (~/.config/switchyard/config.json, or $XDG_CONFIG_HOME/switchyard/,
// or the path in SWITCHYARD_CONFIG). The file holds a key: it is written 0600 in a 0700 folder,
// through a temporary file renamed into place, so no reader ever sees it half-written or open.
import { chmodSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { usageError } from './exit-codes.js';

export interface CliConfig {
  url: string;
  apiKey: string;
}

export type Env = Record<string, string | undefined>;

export function configPath(env: Env): string {
  if (env['SWITCHYARD_CONFIG']) return env['SWITCHYARD_CONFIG'];
  const base = env['XDG_CONFIG_HOME'] || join(env['HOME'] || homedir(), '.config');
  return join(base, 'switchyard', 'config.json');
}

export function readConfigFile(path: string): Partial<CliConfig> {
  let raw: string;
  try {
    raw = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw usageError(`cannot read ${path}: ${(error as Error).message}`);
  }
  try {
    const parsed = JSON.parse(raw) as Record<string, unknown>;
    return {
      ...(typeof parsed['url'] === 'string' ? { url: parsed['url'] } : {}),
      ...(typeof parsed['apiKey'] === 'string' ? { apiKey: parsed['apiKey'] } : {}),
    };
  } catch {
    throw usageError(`${path} is not JSON: run switchyard login again`);
  }
}

/** Writes the file with mode 0600 (and its folder 0700), whatever the umask. */
export function writeConfigFile(path: string, config: CliConfig): void {
  const folder = dirname(path);
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify({ url: config.url, apiKey: config.apiKey }, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, path);
}

/** Group or others may read the file: worth a warning, as ssh gives for a private key. */
export function isTooOpen(path: string): boolean {
  try {
    return (statSync(path).mode & 0o077) !== 0;
  } catch {
    return false;
  }
}

/** The URL without a trailing slash; refused unless http(s). */
export function normaliseUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw usageError(`not a URL: ${url}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw usageError(`the server URL must be http or https: ${url}`);
  return parsed.toString().replace(/\/+$/, '');
}

/** The settings a command runs with: the environment wins over the file, field by field. */
export function resolveConfig(env: Env): CliConfig & { path: string } {
  const path = configPath(env);
  const file = readConfigFile(path);
  const url = env['SWITCHYARD_URL'] || file.url;
  const apiKey = env['SWITCHYARD_API_KEY'] || file.apiKey;
  if (!url || !apiKey) throw usageError('not logged in: run `switchyard login --url URL`, or set SWITCHYARD_URL and SWITCHYARD_API_KEY');
  return { url: normaliseUrl(url), apiKey, path };
}
