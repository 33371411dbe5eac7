import { defineConfig } from 'vitest/config';

// `pnpm test`: tests/unit, in-process (the Cedar engine is WebAssembly loaded once per test file).
export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
