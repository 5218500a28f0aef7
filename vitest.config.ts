import { defineConfig } from 'vitest/config';

// One real Temporal dev server for the whole run (test/global-setup.ts); test files run in
// forked processes, at most two at a time on the 2-core machines this project targets.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
  },
});
