import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts'],
    // Each test synthesizes a stack and checks the environment with the real bundle (a node subprocess).
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
