import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // RSA key generation and real processes: under `turbo run test` every package shares two cores
    // (a 2048-bit key took 12–19 s there, against vitest's 5 s default).
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
