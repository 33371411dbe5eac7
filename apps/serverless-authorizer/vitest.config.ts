import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Real processes (osls, serverless offline, cognito-local) start inside the hooks.
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
