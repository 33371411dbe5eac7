import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    setupFiles: ['@cogauth/test-fixtures/own-tmpdir-setup'],
    include: ['tests/**/*.test.ts'],
    // Synthesis and the subprocess tests take seconds, not milliseconds.
    testTimeout: 60_000,
    hookTimeout: 90_000,
  },
});
