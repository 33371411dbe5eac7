import { defineConfig } from 'vitest/config';

// `pnpm test:consumer`: the packed CLI (with the packed core) installed with npm outside the workspace.
export default defineConfig({
  test: {
    include: ['tests/consumer/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
