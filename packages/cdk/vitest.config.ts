import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    setupFiles: ['@cogauth/test-fixtures/own-tmpdir-setup'],
    include: ['tests/unit/**/*.test.ts'],
    // Each test synthesizes a stack; the README snippets run as their own CDK apps (tsx subprocesses).
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
