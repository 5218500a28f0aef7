import { defineConfig } from 'vitest/config';

// One real Temporal dev server for the whole run (test/global-setup.ts); test files run in
// forked processes, at most two at a time on the 2-core machines this project targets.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The cluster suite has its own config (test/cluster/vitest.config.ts): its own servers, one file at a time.
    exclude: ['test/cluster/**', 'node_modules/**'],
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
  },
});
