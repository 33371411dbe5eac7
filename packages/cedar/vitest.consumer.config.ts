import { defineConfig } from 'vitest/config';

// `pnpm test:consumer`: the packed tarball installed with npm outside the workspace (tests/consumer/).
export default defineConfig({
  test: {
    include: ['tests/consumer/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
