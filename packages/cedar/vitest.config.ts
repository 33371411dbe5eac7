import { defineConfig } from 'vitest/config';

// `pnpm test`: tests/unit, in-process (the Cedar engine is WebAssembly loaded once per test file). The
// property tests are CPU-bound (about 3 s alone); turbo runs every package's suite at once on CI's 2 cores,
// where one took 45 s, hence the generous timeout.
export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 30_000,
  },
});
