import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // `pnpm test:consumer` (vitest.consumer.config.ts) runs these, after every package's own tests.
    exclude: ['tests/consumer/**'],
    // Real processes (osls, serverless offline, cognito-local) start inside the hooks.
    testTimeout: 30_000,
    hookTimeout: 150_000,
  },
});
