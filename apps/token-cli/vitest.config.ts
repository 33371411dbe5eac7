import { defineConfig } from 'vitest/config';

// `pnpm test`: tests/unit (the CLI's code, and the built binary against servers the test itself runs on
// 127.0.0.1) and tests/e2e (cognito-local, oidc-provider, a real terminal). The consumer tests have their
// own config (vitest.consumer.config.ts).
export default defineConfig({
  test: {
    setupFiles: ['@cogauth/test-fixtures/own-tmpdir-setup'],
    include: ['tests/unit/**/*.test.ts', 'tests/e2e/**/*.test.ts'],
    globalSetup: ['tests/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
