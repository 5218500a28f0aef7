// Runs only the AWS emulator tests, which need no Temporal server:
//   npx vitest run --config test/aws-emulator/vitest.config.ts
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('../..', import.meta.url)),
    include: ['test/aws-emulator/**/*.test.ts'],
    testTimeout: 10_000,
  },
});
