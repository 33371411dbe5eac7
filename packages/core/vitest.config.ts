import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Property tests run hundreds of cases; under `turbo run test` every package shares two cores.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
