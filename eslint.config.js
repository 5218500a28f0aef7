// Lint rules that protect correctness: no floating promises anywhere, and no Node built-ins in
// workflow code (Temporal replays workflows in a sandbox where they do not exist).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['assert', 'async_hooks', 'buffer', 'child_process', 'cluster', 'crypto', 'dgram',
  'dns', 'events', 'fs', 'fs/promises', 'http', 'http2', 'https', 'net', 'os', 'path', 'perf_hooks',
  'process', 'readline', 'stream', 'timers', 'tls', 'url', 'util', 'v8', 'vm', 'worker_threads', 'zlib'];

export default tseslint.config(
  { ignores: ['node_modules/**', '.tools/**', '.data/**', 'scripts/**', 'coverage/**', 'test-results/**', 'web/**'] },
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
      'no-restricted-imports': ['error', {
        paths: nodeBuiltins.flatMap((name) => [
          { name, message: 'Workflow code is replayed in a sandbox: no Node built-ins.' },
          { name: `node:${name}`, message: 'Workflow code is replayed in a sandbox: no Node built-ins.' },
        ]),
        patterns: [
          { group: ['../activities/*', '../../activities/*'], allowTypeImports: true, message: 'Workflows import activities by type only (proxyActivities).' },
          { group: ['@temporalio/client', '@temporalio/worker', '@temporalio/activity', 'pino', '@aws-sdk/*', '@octokit/*', '@slack/*'], message: 'Not deterministic: keep I/O in activities.' },
        ],
      }],
      'no-restricted-globals': ['error',
        { name: 'fetch', message: 'No I/O in workflows.' },
        { name: 'setTimeout', message: 'Use sleep() from @temporalio/workflow.' },
        { name: 'setInterval', message: 'Use sleep() from @temporalio/workflow.' },
        { name: 'process', message: 'No process access in workflows.' },
      ],
    },
  },
);
