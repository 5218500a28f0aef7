// Lint rules that protect correctness: no floating promises anywhere, no Node built-ins in
// workflow code (Temporal replays workflows in a sandbox where they do not exist), and imports
// that run one way through the layers:
//   domain/     the vocabulary (types, const lists, pure rules); imports nothing of ours
//   common/     shared infrastructure, by concern (config/, connections/, telemetry/, temporal/);
//               imports domain/ only
//   workflows/  orchestration; imports domain/, workflow-safe common/ modules, and activities by type
//   activities/ I/O; imports domain/, common/, and workflows/ for message definitions
//   emulators/  stand-ins for AWS, GitHub, Slack and the channels; never import activities/
//   emulators/wiring/  the sandbox turned into configuration and services for api/ and worker/
//   api/, worker/  the production entry points; never import emulators/ (the image has none);
//               api/ has one folder per resource and takes from activities/ only activities/slack/blocks
//   launcher/  `npm start`, on top of all of the above
import js from '@eslint/js';
import vitest from '@vitest/eslint-plugin';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [
  'assert',
  'async_hooks',
  'buffer',
  'child_process',
  'cluster',
  'crypto',
  'dgram',
  'dns',
  'events',
  'fs',
  'fs/promises',
  'http',
  'http2',
  'https',
  'net',
  'os',
  'path',
  'perf_hooks',
  'process',
  'readline',
  'stream',
  'timers',
  'tls',
  'url',
  'util',
  'v8',
  'vm',
  'worker_threads',
  'zlib',
];

/** Import patterns for our top-level folders, reached by any number of `../`. */
const folders = (...names) => names.map((name) => `**/../${name}/**`);
const upward = (from, names, extra = {}) => ({
  group: folders(...names),
  message: `Imports run one way (domain ← common ← workflows, activities ← api, worker): ${from} does not import from ${names.join(', ')}.`,
  ...extra,
});

const productionOnly = {
  group: folders('emulators', 'launcher'),
  message:
    'api/ and worker/ are production code: they import nothing from emulators/ or launcher/ (the sandbox injects itself through emulators/wiring/).',
};
const apiPatterns = [
  productionOnly,
  {
    regex: '^(\\.\\./)+activities/(?!slack/blocks\\.js$)',
    message: 'api/ runs no activity: of activities/ it imports only the Slack message rendering (activities/slack/blocks.ts).',
  },
];

export default tseslint.config(
  { ignores: ['node_modules/**', '.tools/**', '.data/**', 'dist/**', 'scripts/**', 'coverage/**', 'test-results/**', 'web/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.flatMap((name) => [
            { name, message: 'Workflow code is replayed in a sandbox: no Node built-ins.' },
            { name: `node:${name}`, message: 'Workflow code is replayed in a sandbox: no Node built-ins.' },
          ]),
          patterns: [
            {
              group: folders('activities'),
              allowTypeImports: true,
              message: 'Workflows import activities by type only (proxyActivities).',
            },
            upward('workflows/', ['api', 'worker', 'emulators', 'launcher']),
            // common/ is mostly I/O (config, stores, clients); these of its modules are safe in the sandbox.
            {
              group: ['**/../common/**', '!**/../common/search-attributes.js'],
              message: 'Workflows import from common/ only its workflow-safe modules (search-attributes); shared vocabulary is in domain/.',
            },
            {
              group: ['@temporalio/client', '@temporalio/worker', '@temporalio/activity', 'pino', '@aws-sdk/*', '@octokit/*', '@slack/*'],
              message: 'Not deterministic: keep I/O in activities.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'fetch', message: 'No I/O in workflows.' },
        { name: 'setTimeout', message: 'Use sleep() from @temporalio/workflow.' },
        { name: 'setInterval', message: 'Use sleep() from @temporalio/workflow.' },
        { name: 'process', message: 'No process access in workflows.' },
      ],
    },
  },
  // The other layers. (workflows/ has its layer patterns in its own rule above: a later block's
  // no-restricted-imports would replace that one, not add to it.)
  {
    files: ['domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [upward('domain/', ['common', 'workflows', 'activities', 'api', 'worker', 'emulators', 'launcher'])] },
      ],
    },
  },
  {
    files: ['common/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [upward('common/', ['workflows', 'activities', 'api', 'worker', 'emulators', 'launcher'])] },
      ],
    },
  },
  {
    files: ['activities/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            upward('activities/', ['api', 'worker', 'emulators', 'launcher']),
            // An activity may signal its workflow (progress), so it may import the message definitions.
            {
              group: ['**/../workflows/**/*.js', '!**/../workflows/**/messages.js'],
              message:
                'Activities import workflows/ only for message definitions (messages.ts: defineSignal/defineUpdate); shared types are in domain/.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['emulators/**/*.ts'],
    ignores: ['emulators/wiring/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            upward('emulators/', ['activities'], {
              message:
                'The emulators stand in for the outside world: they import nothing from activities/ (shared channel vocabulary is in domain/; the sandbox wiring is in emulators/wiring/).',
            }),
          ],
        },
      ],
    },
  },
  // The production entry points and what they load: the image holds no emulator code, so the
  // sandbox reaches them only as configuration and injected services (emulators/wiring/).
  {
    files: ['worker/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [productionOnly] }] },
  },
  // api/ runs no activity: of activities/ it reads only the Slack adapter's message rendering
  // (the interaction routes update the same message the activities post).
  {
    files: ['api/**/*.ts'],
    ignores: ['api/connections/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: apiPatterns }] },
  },
  // One folder per API resource: connections take from deployments/ only the shared contract file.
  {
    files: ['api/connections/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...apiPatterns,
            {
              group: ['**/deployments/**', '!**/deployments/schemas.js'],
              message: 'api/connections/ is its own resource: of api/deployments/ it imports only schemas.ts (the Panda contract).',
            },
          ],
        },
      ],
    },
  },
  // Tests: every case asserts something (a case without one passes on anything, or fails only by
  // timing out). Our helpers that assert count as assertions.
  {
    files: ['test/**/*.ts'],
    plugins: { vitest },
    rules: {
      'vitest/expect-expect': ['error', { assertFunctionNames: ['expect', 'expect*', 'assert*', 'expectTypeOf'] }],
    },
  },
  // The unit tier (vitest project `unit`) runs without Temporal, PostgreSQL, moto or Chromium:
  // its files may not reach for the fixtures that need them.
  {
    files: ['test/unit/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'vitest',
              importNames: ['inject'],
              message: 'inject() reads the Temporal globalSetup, which the unit tier has not: move the file out of test/unit/.',
            },
            {
              name: '@temporalio/testing',
              importNames: ['TestWorkflowEnvironment'],
              message: 'The unit tier has no Temporal server: move the file out of test/unit/.',
            },
            {
              name: '@temporalio/worker',
              importNames: ['Worker', 'NativeConnection'],
              message: 'The unit tier has no Temporal server: move the file out of test/unit/.',
            },
            {
              name: '@temporalio/client',
              importNames: ['Connection', 'Client', 'WorkflowClient'],
              message: 'The unit tier has no Temporal server: move the file out of test/unit/.',
            },
            { name: 'pg', message: 'The unit tier has no PostgreSQL: move the file out of test/unit/.' },
            { name: 'playwright-core', message: 'The unit tier has no Chromium: move the file out of test/unit/.' },
          ],
          patterns: [
            {
              group: [
                '**/support/temporal.js',
                '**/support/sandbox-suite.js',
                '**/support/worker-process.js',
                '**/support/postgres.js',
                '**/support/postgres-binaries.js',
                '**/support/api.js',
                '**/workflows/stub-worker.js',
                '**/moto/**',
              ],
              message: 'A Temporal, PostgreSQL or moto fixture: the unit tier runs without servers, so move the file out of test/unit/.',
            },
          ],
        },
      ],
    },
  },
);
