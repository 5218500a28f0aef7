// Runs only the channel adapter and emulator tests, which need no Temporal server:
//   npx vitest run --config test/channels/vitest.config.ts
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('../..', import.meta.url)),
    include: ['test/channels/**/*.test.ts'],
    testTimeout: 10_000,
  },
});
