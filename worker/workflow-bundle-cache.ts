// The workflow bundle kept between starts, keyed by everything that goes into it (the sources
// workflow code may import, and the SDK's version): a start whose workflows are unchanged skips
// webpack (about 2 s idle, 10 s on a loaded machine). `npm ci` fills it through the package's
// `prepare` script, so the first `npm start` after an install finds it too. A stale or missing
// entry only costs the bundling that would have happened anyway.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '@temporalio/worker';
import { bundleWorkflows } from './workflow-bundle.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Every folder workflow code imports from at run time (imports from activities/ are types only). */
const SOURCE_FOLDERS = ['workflows', 'domain', 'common'];
const CACHE_DIR = join(ROOT, 'node_modules', '.cache', 'switchyard');

function hashFolder(hash: ReturnType<typeof createHash>, dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) hashFolder(hash, path);
    else if (/\.(ts|js|mjs|json)$/.test(entry.name)) hash.update(relative(ROOT, path)).update('\0').update(readFileSync(path));
  }
}

/** A digest of the workflow sources and the SDK that bundles them. */
export function workflowSourcesKey(): string {
  const hash = createHash('sha256');
  for (const folder of SOURCE_FOLDERS) hashFolder(hash, join(ROOT, folder));
  for (const sdk of ['worker', 'workflow']) hash.update(readFileSync(join(ROOT, 'node_modules', '@temporalio', sdk, 'package.json')));
  return hash.digest('hex').slice(0, 20);
}

export function workflowBundleCachePath(key = workflowSourcesKey()): string {
  return join(CACHE_DIR, `workflow-bundle-${key}.js`);
}

/** The bundle from the cache, or bundled now and left there for the next start. */
export async function cachedWorkflowBundle(logger?: Logger): Promise<{ code: string; cached: boolean }> {
  const path = workflowBundleCachePath();
  if (existsSync(path)) return { code: readFileSync(path, 'utf8'), cached: true };
  const code = await bundleWorkflows(logger);
  try {
    mkdirSync(CACHE_DIR, { recursive: true });
    // Written aside, then renamed: two starts at once never read half a bundle.
    const partial = `${path}.${randomBytes(4).toString('hex')}.partial`;
    writeFileSync(partial, code);
    renameSync(partial, path);
  } catch {
    // A read-only install keeps working; it just bundles on every start.
  }
  return { code, cached: false };
}
