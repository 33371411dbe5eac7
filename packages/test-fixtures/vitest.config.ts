import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // RSA key generation (3072-bit in keys.test.ts) and emulator start-ups: under `turbo run test` every
    // package shares two cores, and vitest's 5 s default timed out on a loaded machine.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
