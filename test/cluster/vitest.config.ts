import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The cluster suite: a real two-node Temporal server on PostgreSQL per test file
// (test/cluster/temporal-cluster.ts), so one file at a time, and no global dev server.
// Run `node scripts/setup-temporal-cluster.mjs` first, then
// `npx vitest run -c test/cluster/vitest.config.ts`.
export default defineConfig({
  test: {
    root: fileURLToPath(new URL('../..', import.meta.url)),
    include: ['test/cluster/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 300_000,
    teardownTimeout: 60_000,
  },
});
