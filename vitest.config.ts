import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['harness/**/*.test.ts', 'broker-ts/**/*.test.ts', 'experiments/**/*.test.ts', 'compose/**/*.test.ts'],
    // Integration tests start real JVMs and brokers; two cores cannot run many at once.
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 300_000,
    reporters: ['default'],
  },
});
