import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/consumer/**/*.test.ts'],
    // pnpm pack + npm install + cdk synth, once for the file.
    testTimeout: 60_000,
    hookTimeout: 150_000,
  },
});
