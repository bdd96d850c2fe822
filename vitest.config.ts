import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Real brokers and SQLite files: generous per-test timeout, never a wall-clock sleep.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
