// Every environment variable the product code reads is documented in docs/configuration.md. The
// list comes from the code, not from a copy: the config parser's schema, and a scan of the product
// sources for `env.X` / `env['X']` reads and env-schema keys, so a new variable without a row fails.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../common/config/config.js';
import { CHANNEL_TYPES } from '../../domain/channels.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
/** Product code: what ships or sets up what ships (not tests, emulators, benchmarks or the fault suite). */
const PRODUCT_FOLDERS = ['api', 'activities', 'common', 'domain', 'launcher', 'lambda', 'scripts', 'worker', 'workflows'];

function sourceFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : sourceFiles(path);
    return /\.(ts|mts|js|mjs)$/.test(name) && !/\.d\.m?ts$/.test(name) ? [path] : [];
  });
}

/** Channel-specific names (`NAVER_BLOG_API_URL`) as the docs write them (`<CHANNEL>_API_URL`). */
function generic(name: string): string {
  const channel = CHANNEL_TYPES.find((type) => name.startsWith(`${type}_API_`));
  return channel ? name.replace(channel, '<CHANNEL>') : name;
}

/** Variable name → the files that read it. */
function variablesReadByTheCode(): Map<string, Set<string>> {
  const found = new Map<string, Set<string>>();
  const add = (name: string, file: string) =>
    found.set(generic(name), (found.get(generic(name)) ?? new Set()).add(file.slice(root.length)));
  for (const key of Object.keys(configSchema.shape)) add(key, join(root, 'common/config/config.ts'));
  for (const file of PRODUCT_FOLDERS.flatMap((folder) => sourceFiles(join(root, folder)))) {
    const source = readFileSync(file, 'utf8');
    for (const m of source.matchAll(/\benv\??\.([A-Z][A-Z0-9_]+)\b/g)) add(m[1]!, file);
    for (const m of source.matchAll(/\benv\[\s*['"`]([A-Z][A-Z0-9_]+)['"`]\s*\]/g)) add(m[1]!, file);
    // Schemas parsed from the environment (config.ts, slack-config.ts): their upper-case keys.
    if (/process\.env|NodeJS\.ProcessEnv/.test(source)) for (const m of source.matchAll(/^\s+([A-Z][A-Z0-9_]{2,}):\s/gm)) add(m[1]!, file);
    for (const m of source.matchAll(/\[`\$\{\w+\}(_[A-Z0-9_]+)`\]\s*:/g)) add(`<CHANNEL>${m[1]!}`, file);
  }
  return found;
}

describe('docs/configuration.md', () => {
  const page = readFileSync(join(root, 'docs/configuration.md'), 'utf8');
  const variables = variablesReadByTheCode();

  it('finds the variables where the code reads them', () => {
    // A scan that silently found nothing would pass the next test vacuously.
    expect(variables.size).toBeGreaterThan(90);
    for (const name of [
      'PORT',
      'DATABASE_URL',
      'SLACK_BOT_TOKEN',
      '<CHANNEL>_API_URL',
      'TEMPORAL_CONFIG_FILE',
      'SWITCHYARD_HOOK_URL',
      'TEMPORAL_CLI_PATH',
    ]) {
      expect(variables.has(name), name).toBe(true);
    }
  });

  it('documents every variable the code reads', () => {
    const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\<>]/g, '\\$&');
    const undocumented = [...variables.entries()]
      .filter(([name]) => !new RegExp(`(^|[^A-Z0-9_])${escape(name)}($|[^A-Z0-9_])`).test(page))
      .map(([name, files]) => `${name} (read in ${[...files].join(', ')})`);
    expect(undocumented).toEqual([]);
  });
});
