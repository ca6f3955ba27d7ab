import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'bench/**/*.test.ts'],
    // End-to-end tests start real processes; native addons (re2, better-sqlite3) load per worker.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
