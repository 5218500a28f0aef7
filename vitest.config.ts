import { defineConfig } from 'vitest/config';

// One `vitest run` for the whole suite, so the README's test command ends with one summary that
// counts every file. Three projects, run one after the other (sequence.groupOrder):
// - unit: test/unit/, files that need no server (pure rules, config, schemas, Block Kit, the
//   emulators, Hono routes through app.request()); no globalSetup, and a setup file that refuses
//   any connection to a Temporal, PostgreSQL or moto port (test/unit/support/no-servers.ts), so
//   a file that needs one cannot slip in; lint forbids their fixtures there (eslint.config.js);
// - main: one real Temporal dev server for all its files (test/global-setup.ts); files run in
//   forked processes, at most two at a time on the 2-core machines this project targets;
// - cluster: a real two-node Temporal server on PostgreSQL per file (test/cluster/temporal-cluster.ts),
//   so one file at a time, after main has finished and freed the cores.
// `npm run test:unit` runs the unit tier alone (no set-up step, nothing to install),
// `npm run test:main` the Temporal tier alone, `npm run test:cluster` the cluster suite, and
// `npm run test:hour` the hour-long real-time holds, which `npm test` leaves out.
export default defineConfig({
  test: {
    teardownTimeout: 60_000,
    // vitest's own report, then one plain "N passed, N failed, N skipped" line for CI log readers.
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          setupFiles: ['test/unit/support/no-servers.ts'],
          pool: 'forks',
          // No fresh module graph per file: each fork would import the AWS SDK and Hono again, which
          // was 24 of the tier's 41 s. The files hold no module state between them.
          isolate: false,
          maxWorkers: 2,
          testTimeout: 15_000,
          hookTimeout: 15_000,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'main',
          include: ['test/**/*.test.ts'],
          exclude: ['test/unit/**', 'test/cluster/**', 'test/hour/**', 'node_modules/**'],
          globalSetup: ['test/global-setup.ts'],
          pool: 'forks',
          // Two files at a time: they share one dev server's namespace, so each file keeps what it
          // sets to its own task queue, services and ids (docs/testing.md, "One namespace, many files").
          maxWorkers: 2,
          testTimeout: 60_000,
          hookTimeout: 120_000,
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          name: 'cluster',
          include: ['test/cluster/**/*.test.ts'],
          pool: 'forks',
          maxWorkers: 1,
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 300_000,
          sequence: { groupOrder: 2 },
        },
      },
      // Real-time holds of an hour (test/hour/), only with `npm run test:hour`.
      ...(process.env['SWITCHYARD_HOUR_TESTS']
        ? [
            {
              test: {
                name: 'hour',
                include: ['test/hour/**/*.test.ts'],
                globalSetup: ['test/global-setup.ts'],
                pool: 'forks' as const,
                testTimeout: 90 * 60_000,
                hookTimeout: 120_000,
              },
            },
          ]
        : []),
    ],
  },
});
