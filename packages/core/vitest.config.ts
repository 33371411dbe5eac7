import { defineConfig } from 'vitest/config';

// `pnpm test`: tests/unit (in-process, a JWKS server on 127.0.0.1 at most) and tests/e2e (emulators such
// as cognito-local). The consumer tests have their own config (vitest.consumer.config.ts).
export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/e2e/**/*.test.ts'],
    // Property tests run hundreds of cases; under `turbo run test` every package shares two cores.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
