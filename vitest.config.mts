import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        test: {
          name: 'wine',
          include: ['test/e2e/**/*.test.ts'],
          // Builds the fake COM server, fetches Windows node.exe and boots the Wine prefixes.
          globalSetup: ['test/e2e/support/global-setup.ts'],
          // Each test starts Windows node.exe under Wine: about a second, more on a busy machine.
          testTimeout: 120_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
