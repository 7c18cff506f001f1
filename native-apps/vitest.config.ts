import { defineConfig } from 'vitest/config';

// Three projects; scripts/run-tests.mjs starts one appliance for all of them (CHATSDK_TEST_BASE_URL).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['packages/*/test/**/*.test.{ts,tsx}', 'test/**/*.test.ts', 'app/test/**/*.test.ts'],
          exclude: ['**/*.node.test.ts', '**/node_modules/**'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'node',
          include: ['packages/client/test/**/*.node.test.ts', 'app/test/**/*.node.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'browser',
          include: ['e2e/**/*.e2e.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // one Chromium at a time on a 2-core machine
          fileParallelism: false,
        },
      },
    ],
  },
});
