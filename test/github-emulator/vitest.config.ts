// Runs only the GitHub emulator tests, which need no Temporal server:
//   npx vitest run --config test/github-emulator/vitest.config.ts
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('../..', import.meta.url)),
    include: ['test/github-emulator/**/*.test.ts'],
    testTimeout: 10_000,
  },
});
